package io.trellis.ipvs.libc;

/**
 * Kernel ABI values used with {@link LibC}, each with the uapi header that defines it. Values are
 * the asm-generic ones shared by x86-64 and arm64; alpha, MIPS, PARISC and SPARC differ.
 */
public final class LinuxConstants {

    // linux/sched.h
    public static final int CLONE_NEWNET = 0x40000000;

    // linux/mount.h
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SHARED = 1 << 20;

    // linux/fs.h (umount2 flags; glibc repeats it in sys/mount.h)
    public static final int MNT_DETACH = 2;

    // asm-generic/fcntl.h
    public static final int O_RDONLY = 0;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_CLOEXEC = 02000000;

    // linux/socket.h, linux/net.h (SOCK_CLOEXEC is defined as O_CLOEXEC)
    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;

    // linux/sockios.h
    public static final long SIOCGIFFLAGS = 0x8913;
    public static final long SIOCSIFFLAGS = 0x8914;

    // linux/if.h: the name includes its NUL; struct ifreq is the name plus a 24-byte union
    // (largest member struct ifmap on LP64), flags being a short at the start of that union.
    public static final int IFNAMSIZ = 16;
    public static final int IFREQ_SIZE = 40;
    public static final int IFREQ_FLAGS_OFFSET = IFNAMSIZ;
    public static final int IFF_UP = 0x1;

    // asm-generic/errno-base.h
    public static final int ENOENT = 2;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;

    private LinuxConstants() {
    }
}
