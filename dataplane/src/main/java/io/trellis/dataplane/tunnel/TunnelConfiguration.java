package io.trellis.dataplane.tunnel;

import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.dataplane.vtep.Vtep;
import java.net.Inet4Address;

/**
 * A standalone point-to-point overlay ({@code trellis vxlan-tunnel}).
 *
 * @param innerAddress the TAP's address inside the overlay
 * @param prefixLength its prefix length
 */
public record TunnelConfiguration(int vni, Inet4Address local, Inet4Address remote, int port, String tapName,
                                  Inet4Address innerAddress, int prefixLength, int mtu, Transport transport,
                                  OffloadMode offloads) {
    public static final int PORT_DEFAULT = Vtep.PORT_DEFAULT;
    public static final int MTU_DEFAULT = OverlayNetwork.MTU_DEFAULT;

    public TunnelConfiguration {
        if (vni < 1 || vni > OverlayNetwork.MAX_VNI) {
            throw new IllegalArgumentException("invalid --vni " + vni + ": must be 1-" + OverlayNetwork.MAX_VNI);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid --port " + port + ": must be 1-65535");
        }
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid --inner-addr prefix /" + prefixLength + ": must be 1-32");
        }
        if (tapName.isEmpty() || tapName.length() > 15) {
            throw new IllegalArgumentException("invalid --tap \"" + tapName + "\": 1-15 characters");
        }
    }
}
