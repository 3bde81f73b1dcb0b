package io.trellis.dataplane.kernel;

import io.trellis.ipvs.libc.LinuxConstants;
import io.trellis.ipvs.netlink.NetlinkConstants;
import io.trellis.ipvs.netlink.NetlinkException;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netlink.VxlanSpec;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Whether this kernel can carry the kernel path, asked once at the agent's start: a bridge and a
 * VXLAN device are made under a name of their own and deleted at once. A module that is missing
 * or a capability the agent lacks shows up here rather than with the first task.
 */
public final class KernelVxlanProbe {
    /** The highest VNI and a port nobody uses for VXLAN: unlikely to clash with a device already there. */
    private static final int PROBE_VNI = 0xFF_FFFF;
    private static final int PROBE_PORT = 4788;

    private KernelVxlanProbe() {
    }

    /** Why the kernel path cannot run in the calling thread's namespace, or empty if it can. */
    public static Optional<String> missing() {
        String name = "tkq" + Long.toHexString(ProcessHandle.current().pid() & 0xFF_FFFF_FFFFL);
        try (RtNetlink nl = RtNetlink.open()) {
            Optional<String> bridge = tryCreate(nl, name, false);
            if (bridge.isPresent()) {
                return bridge;
            }
            return tryCreate(nl, name, true);
        } catch (IOException e) {
            return Optional.of("rtnetlink: " + e.getMessage());
        }
    }

    private static Optional<String> tryCreate(RtNetlink nl, String name, boolean vxlan) throws IOException {
        String kind = vxlan ? "VXLAN" : "bridge";
        try {
            if (vxlan) {
                nl.createVxlan(name, VxlanSpec.of(PROBE_VNI, (Inet4Address) InetAddress.getByName("127.0.0.1"),
                        PROBE_PORT).withLearning(false));
            } else {
                nl.createBridge(name);
            }
        } catch (NetlinkException e) {
            if (e.errno() == LinuxConstants.EEXIST) {
                return Optional.empty(); // a device like it is there already: the kernel knows the kind
            }
            if (e.errno() == NetlinkConstants.EOPNOTSUPP) {
                return Optional.of("this kernel has no " + kind + " devices (" + e.getMessage() + ")");
            }
            return Optional.of("cannot create a " + kind + " device: " + e.getMessage());
        }
        nl.deleteLink(name);
        return Optional.empty();
    }
}
