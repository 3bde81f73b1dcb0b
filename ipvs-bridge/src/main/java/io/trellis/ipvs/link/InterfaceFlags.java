package io.trellis.ipvs.link;

import static io.trellis.ipvs.libc.LinuxConstants.AF_INET;
import static io.trellis.ipvs.libc.LinuxConstants.IFF_UP;
import static io.trellis.ipvs.libc.LinuxConstants.IFNAMSIZ;
import static io.trellis.ipvs.libc.LinuxConstants.IFREQ_FLAGS_OFFSET;
import static io.trellis.ipvs.libc.LinuxConstants.IFREQ_SIZE;
import static io.trellis.ipvs.libc.LinuxConstants.SIOCGIFFLAGS;
import static io.trellis.ipvs.libc.LinuxConstants.SIOCSIFFLAGS;
import static io.trellis.ipvs.libc.LinuxConstants.SOCK_CLOEXEC;
import static io.trellis.ipvs.libc.LinuxConstants.SOCK_DGRAM;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibC;
import io.trellis.ipvs.libc.LibCHolder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads and sets the administrative up flag of an interface with the SIOCGIFFLAGS/SIOCSIFFLAGS
 * ioctls (netdevice(7)). They act on the network namespace of the socket, which is the calling
 * thread's: to reach another namespace, call these inside
 * {@link io.trellis.ipvs.netns.NetworkNamespace#call}.
 */
public final class InterfaceFlags {

    private static final LibC LIBC = LibCHolder.LIBC;

    private InterfaceFlags() {
    }

    public static void setUp(String ifname) throws NativeException {
        update(ifname, true);
    }

    public static void setDown(String ifname) throws NativeException {
        update(ifname, false);
    }

    public static boolean isUp(String ifname) throws NativeException {
        Pointer ifreq = ifreq(ifname);
        int fd = controlSocket(ifname);
        try {
            return (readFlags(fd, ifname, ifreq) & IFF_UP) != 0;
        } finally {
            LIBC.close(fd);
        }
    }

    /** Read-modify-write: SIOCSIFFLAGS replaces every flag, not only IFF_UP. */
    private static void update(String ifname, boolean up) throws NativeException {
        Pointer ifreq = ifreq(ifname);
        int fd = controlSocket(ifname);
        try {
            short flags = readFlags(fd, ifname, ifreq);
            ifreq.putShort(IFREQ_FLAGS_OFFSET, (short) (up ? flags | IFF_UP : flags & ~IFF_UP));
            NativeException.check(LIBC.ioctl(fd, SIOCSIFFLAGS, ifreq), "set flags of interface", ifname);
        } finally {
            LIBC.close(fd);
        }
    }

    private static short readFlags(int fd, String ifname, Pointer ifreq) throws NativeException {
        NativeException.check(LIBC.ioctl(fd, SIOCGIFFLAGS, ifreq), "read flags of interface", ifname);
        return ifreq.getShort(IFREQ_FLAGS_OFFSET);
    }

    /** Any socket will do for these ioctls; a UDP one needs no further setup. */
    private static int controlSocket(String ifname) throws NativeException {
        return NativeException.check(LIBC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0),
                "open control socket for interface", ifname);
    }

    /** A zeroed struct ifreq holding {@code ifname}, NUL-terminated. */
    private static Pointer ifreq(String ifname) {
        byte[] name = ifname.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + ifname + "' must be 1 to "
                    + (IFNAMSIZ - 1) + " bytes long");
        }
        Pointer ifreq = Memory.allocateDirect(LibCHolder.runtime(), IFREQ_SIZE, true);
        ifreq.put(0, name, 0, name.length);
        return ifreq;
    }
}
