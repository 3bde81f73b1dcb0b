package io.trellis.ipvs.tun;

/**
 * Kernel ABI values for TUN/TAP, each with the uapi header that defines it. Values are the
 * asm-generic ones shared by x86-64 and arm64; alpha, MIPS, PARISC and SPARC differ.
 */
final class TunConstants {

    static final String CLONE_DEVICE = "/dev/net/tun";

    // linux/if_tun.h: _IOW('T', nr, int) encodes as 0x400454nn (write, 4-byte argument, type 'T').
    static final long TUNSETIFF = 0x400454caL;       // nr 202
    static final long TUNSETOFFLOAD = 0x400454d0L;   // nr 208, argument passed by value
    static final long TUNSETVNETHDRSZ = 0x400454d8L; // nr 216, argument is an int*

    // linux/if_tun.h: TUNSETIFF flags (ifr_flags)
    static final int IFF_TAP = 0x0002;
    static final int IFF_MULTI_QUEUE = 0x0100;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_VNET_HDR = 0x4000;

    // linux/if.h: struct ifreq is a 16-byte name (NUL included) and a 24-byte union that starts
    // with the short ifr_flags on LP64.
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;
    static final int IFREQ_FLAGS_OFFSET = IFNAMSIZ;

    // asm-generic/fcntl.h
    static final int O_RDWR = 02;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;

    // linux/eventfd.h defines these as the O_ flags of the same name.
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;

    // asm-generic/poll.h; POLLERR and POLLHUP are reported whether asked for or not.
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;

    // struct pollfd { int fd; short events; short revents; } (poll(2))
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_EVENTS_OFFSET = 4;
    static final int POLLFD_REVENTS_OFFSET = 6;

    // asm-generic/errno-base.h (EWOULDBLOCK is EAGAIN)
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;

    private TunConstants() {
    }
}
