package io.trellis.ipvs.tun;

import static io.trellis.ipvs.tun.TunConstants.EINVAL;
import static io.trellis.ipvs.tun.TunConstants.IFF_MULTI_QUEUE;
import static io.trellis.ipvs.tun.TunConstants.IFF_NO_PI;
import static io.trellis.ipvs.tun.TunConstants.IFF_TAP;
import static io.trellis.ipvs.tun.TunConstants.IFF_VNET_HDR;
import static io.trellis.ipvs.tun.TunConstants.IFNAMSIZ;
import static io.trellis.ipvs.tun.TunConstants.IFREQ_FLAGS_OFFSET;
import static io.trellis.ipvs.tun.TunConstants.IFREQ_SIZE;
import static io.trellis.ipvs.tun.TunConstants.TUNSETIFF;
import static io.trellis.ipvs.tun.TunConstants.TUNSETOFFLOAD;
import static io.trellis.ipvs.tun.TunConstants.TUNSETVNETHDRSZ;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibCHolder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** The linux/if_tun.h ioctls that set a TAP up once, on a fresh {@code /dev/net/tun} descriptor. */
final class TunIoctls {

    private static final TunLibC LIBC = TunLibCHolder.LIBC;

    private TunIoctls() {
    }

    /** TUNSETIFF; returns the interface name, which the kernel writes back into the ifreq. */
    static String attach(int fd, TapOptions options) throws NativeException {
        int flags = IFF_TAP | IFF_NO_PI
                | (options.vnetHeader() ? IFF_VNET_HDR : 0)
                | (options.multiQueue() ? IFF_MULTI_QUEUE : 0);
        byte[] requested = options.name().getBytes(StandardCharsets.UTF_8);
        Pointer ifreq = Memory.allocateDirect(TunLibCHolder.RUNTIME, IFREQ_SIZE, true);
        ifreq.put(0, requested, 0, requested.length);
        ifreq.putShort(IFREQ_FLAGS_OFFSET, (short) flags);
        // An empty name makes drivers/net/tun.c use "tap%d".
        String shown = options.name().isEmpty() ? "tap%d" : options.name();
        NativeException.check(LIBC.ioctl(fd, TUNSETIFF, ifreq), "create TAP", shown);
        return ifreq.getString(0, IFNAMSIZ, StandardCharsets.UTF_8);
    }

    /** tun defaults to the 10-byte legacy header; 12 is virtio_net_hdr_v1 (linux/virtio_net.h). */
    static void setVnetHeaderLength(int fd, String name, int length) throws NativeException {
        Pointer value = Memory.allocateDirect(TunLibCHolder.RUNTIME, Integer.BYTES, true);
        value.putInt(0, length);
        NativeException.check(LIBC.ioctl(fd, TUNSETVNETHDRSZ, value), "set virtio-net header size of TAP", name);
    }

    /** TUNSETOFFLOAD: true if taken, false if refused (EINVAL); other failures throw. */
    static boolean trySetOffload(int fd, String name, int bits) throws NativeException {
        if (LIBC.ioctl(fd, TUNSETOFFLOAD, (long) bits) == 0) {
            return true;
        }
        int errno = LibCHolder.errno();
        if (errno == EINVAL) {
            return false;
        }
        throw new NativeException("set offloads " + new Offloads(bits) + " on TAP", name, errno);
    }
}
