package io.trellis.dataplane.tunnel;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.Offload;
import io.trellis.dataplane.port.TapPort;
import io.trellis.dataplane.switching.Port;
import io.trellis.dataplane.switching.SwitchTables;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.secure.EspKeys;
import io.trellis.dataplane.secure.EspMtu;
import io.trellis.dataplane.secure.EspVtep;
import io.trellis.dataplane.switching.VtepCounters;
import io.trellis.dataplane.switching.VtepSink;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.dataplane.vtep.Vtep;
import io.trellis.ipsec.keyring.MasterKey;
import java.util.List;
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
    /** Exactly one of the two: the plain VXLAN socket, or the ESP socket of an encrypted tunnel. */
    private final Vtep vtep;
    private final EspVtep esp;
    private final TapPort port;
    private final int mtu;

    private final Offload offload;

    private PointToPointTunnel(TunnelConfiguration cfg, Vtep vtep, EspVtep esp, TapPort port, Offload offload, int mtu) {
        this.cfg = cfg;
        this.vtep = vtep;
        this.esp = esp;
        this.port = port;
        this.offload = offload;
        this.mtu = mtu;
    }

    /** "linux" when TSO/GSO/GRO are on, "none" otherwise. */
    public String offloadLabel() {
        return offload.label();
    }

    public static PointToPointTunnel start(TunnelConfiguration cfg) throws IOException {
        return start(cfg, null);
    }

    /**
     * Starts the tunnel; with {@code encryption} every datagram travels in ESP on its port
     * (docs/encryption.md), no plain VXLAN socket is opened, and the TAP's MTU is {@code cfg.mtu()}
     * lowered by the ESP overhead (1450 → 1408).
     */
    public static PointToPointTunnel start(TunnelConfiguration cfg, TunnelEncryption encryption) throws IOException {
        Offload offload = Offload.select(cfg.offloads(), cfg.transport().supportsUdpOffloads());
        int mtu = encryption == null ? cfg.mtu() : EspMtu.encryptedMtu(cfg.mtu());
        EspKeys keys = null;
        if (encryption != null) { // derive the SAs before anything is created: a bad key changes nothing
            keys = new EspKeys(ipv4(cfg.local()));
            keys.setPeers(cfg.vni(), List.of(ipv4(cfg.remote())));
            keys.setKeys(cfg.vni(), encryption.keys());
        }
        TapDevice tap = TapDevice.open(TapOptions.named(cfg.tapName()).withVnetHeader(offload.tapOffloads()).withNonBlocking());
        Vtep vtep = null;
        EspVtep esp = null;
        try {
            try (RtNetlink nl = RtNetlink.open()) {
                nl.setMtu(tap.name(), mtu);
                TapPort.capGsoSegments(nl, tap.name(), offload);
                nl.addAddress(tap.name(), cfg.innerAddress(), cfg.prefixLength());
                nl.setUp(tap.name());
            }
            Vtep.SwitchRef ref = new Vtep.SwitchRef();
            VtepSink sink;
            Runnable flush;
            if (encryption == null) {
                vtep = Vtep.bind(cfg.transport(), cfg.local(), cfg.port(), ref, offload.udpSegmentation(),
                        offload.udpReceiveOffload());
                sink = vtep;
                flush = vtep::flush;
            } else {
                esp = EspVtep.bind(cfg.transport(), cfg.local(), encryption.espPort(), keys, offload.udpSegmentation(),
                        offload.udpReceiveOffload());
                sink = esp;
                flush = esp::flush;
            }
            VirtualSwitch sw = new VirtualSwitch(sink);
            TapPort tapPort = new TapPort(tap, sw, flush, offload);
            OverlayNetwork net = new OverlayNetwork("tunnel", tap.name(), cfg.vni(),
                    ipv4(cfg.innerAddress()) & mask(cfg.prefixLength()), cfg.prefixLength(), mtu, encryption != null);
            PointToPointTunnel tunnel = new PointToPointTunnel(cfg, vtep, esp, tapPort, offload, mtu);
            SwitchTables.Builder tables = SwitchTables.builder().network(net, tunnel.counters);
            Port trunk = tables.port(net.id(), 0, 0, true, tapPort.sink());
            tables.floodTo(net.id(), ipv4(cfg.remote()));
            sw.update(tables.build());
            ref.set(sw);
            if (esp != null) {
                esp.attach(sw);
            }
            tapPort.start(cfg.vni(), trunk);
            return tunnel;
        } catch (IOException | RuntimeException e) {
            if (vtep != null) {
                vtep.close();
            }
            if (esp != null) {
                esp.close();
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

    /** The plain VXLAN socket; null for an encrypted tunnel. */
    public Vtep vtep() {
        return vtep;
    }

    /** The ESP socket of an encrypted tunnel (its keys and ESP counters); null for a plain one. */
    public EspVtep esp() {
        return esp;
    }

    /**
     * Replaces the tunnel's keys with the key file's new lines (send key first), as on SIGHUP: SAs of
     * keys still listed keep their counters and windows, so a rotation step loses no packet.
     *
     * @throws IllegalStateException if the tunnel is not encrypted, or a key collides with another
     */
    public void updateKeys(List<MasterKey> keys) {
        if (esp == null) {
            throw new IllegalStateException("the tunnel is not encrypted: start it with a key file");
        }
        esp.keys().setKeys(cfg.vni(), keys);
    }

    /** The TAP's MTU: the configured one, lowered by the ESP overhead when encrypted. */
    public int mtu() {
        return mtu;
    }

    /** Datagrams the VXLAN decoder refused (malformed, unknown VNI), on whichever socket the tunnel uses. */
    public VtepCounters vtepCounters() {
        return vtep != null ? vtep.counters() : esp.vxlanCounters();
    }

    public Transport transport() {
        return vtep != null ? vtep.transport() : esp.transport();
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
        if (vtep != null) {
            vtep.close();
        }
        if (esp != null) {
            esp.close();
        }
    }
}
