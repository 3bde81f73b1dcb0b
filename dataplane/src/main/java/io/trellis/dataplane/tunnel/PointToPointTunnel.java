package io.trellis.dataplane.tunnel;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.Offload;
import io.trellis.dataplane.port.TapPort;
import io.trellis.dataplane.switching.Port;
import io.trellis.dataplane.switching.SwitchTables;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.vtep.Vtep;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.tun.TapDevice;
import io.trellis.ipvs.tun.TapOptions;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A VXLAN tunnel between this host and one peer (a kernel {@code vxlan} device or another Trellis):
 * a TAP with the inner address on this side, the VTEP socket on the underlay. Everything from the
 * TAP goes to the peer; everything the peer sends on the VNI goes to the TAP. The peer may flood and
 * learn (the kernel does); this side needs no forwarding table.
 */
public final class PointToPointTunnel implements AutoCloseable {
    private final TunnelConfiguration cfg;
    private final NetworkCounters counters = new NetworkCounters();
    private final Vtep vtep;
    private final TapPort port;

    private final Offload offload;

    private PointToPointTunnel(TunnelConfiguration cfg, Vtep vtep, TapPort port, Offload offload) {
        this.cfg = cfg;
        this.vtep = vtep;
        this.port = port;
        this.offload = offload;
    }

    /** "linux" when TSO/GSO/GRO are on, "none" otherwise. */
    public String offloadLabel() {
        return offload.label();
    }

    public static PointToPointTunnel start(TunnelConfiguration cfg) throws IOException {
        Offload offload = Offload.select(cfg.offloads(), cfg.transport().supportsUdpOffloads());
        TapDevice tap = TapDevice.open(TapOptions.named(cfg.tapName()).withVnetHeader(offload.tapOffloads()).withNonBlocking());
        Vtep vtep = null;
        try {
            try (RtNetlink nl = RtNetlink.open()) {
                nl.setMtu(tap.name(), cfg.mtu());
                TapPort.capGsoSegments(nl, tap.name(), offload);
                nl.addAddress(tap.name(), cfg.innerAddress(), cfg.prefixLength());
                nl.setUp(tap.name());
            }
            Vtep.SwitchRef ref = new Vtep.SwitchRef();
            vtep = Vtep.bind(cfg.transport(), cfg.local(), cfg.port(), ref, offload.udpSegmentation(),
                    offload.udpReceiveOffload());
            VirtualSwitch sw = new VirtualSwitch(vtep);
            Vtep flushing = vtep;
            TapPort tapPort = new TapPort(tap, sw, flushing::flush, offload);
            OverlayNetwork net = new OverlayNetwork("tunnel", tap.name(), cfg.vni(),
                    ipv4(cfg.innerAddress()) & mask(cfg.prefixLength()), cfg.prefixLength(), cfg.mtu(), false);
            PointToPointTunnel tunnel = new PointToPointTunnel(cfg, vtep, tapPort, offload);
            SwitchTables.Builder tables = SwitchTables.builder().network(net, tunnel.counters);
            Port trunk = tables.port(net.id(), 0, 0, true, tapPort.sink());
            tables.floodTo(net.id(), ipv4(cfg.remote()));
            sw.update(tables.build());
            ref.set(sw);
            tapPort.start(cfg.vni(), trunk);
            return tunnel;
        } catch (IOException | RuntimeException e) {
            if (vtep != null) {
                vtep.close();
            }
            tap.close();
            throw e;
        }
    }

    static int ipv4(java.net.Inet4Address a) {
        return ByteBuffer.wrap(a.getAddress()).getInt();
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public NetworkCounters counters() {
        return counters;
    }

    public Vtep vtep() {
        return vtep;
    }

    public TunnelConfiguration configuration() {
        return cfg;
    }

    public String tapName() {
        return port.name();
    }

    @Override
    public void close() {
        port.close();
        vtep.close();
    }
}
