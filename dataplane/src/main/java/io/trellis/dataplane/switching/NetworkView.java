package io.trellis.dataplane.switching;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.table.LongLongMap;

/**
 * One network's forwarding state, immutable: MAC → destination, IPv4 → MAC for the ARP proxy, the
 * local ports, the remote VTEPs allowed to send into it, the services' VIPs, and (for a
 * point-to-point tunnel only) the VTEP that gets everything else.
 */
public final class NetworkView {
    /** A destination with this bit is a local port index; without it, a remote VTEP's IPv4 address. */
    static final long LOCAL = 1L << 40;
    /** A destination with this bit is a VIP's MAC: the frame goes through the load balancer first. */
    static final long VIP = 1L << 41;

    final OverlayNetwork network;
    final LongLongMap macs;
    final LongLongMap arp;
    final Port[] ports;
    /** Non-zero only for a point-to-point tunnel: the remote that receives all traffic. */
    final int floodVtep;
    /** VTEPs hosting a remote endpoint of this network, or the tunnel's remote: IPv4 (unsigned) → 1. */
    final LongLongMap peers;
    final NetworkCounters counters;
    final VipTable vips;

    NetworkView(OverlayNetwork network, LongLongMap macs, LongLongMap arp, Port[] ports, int floodVtep,
                LongLongMap peers, NetworkCounters counters, VipTable vips) {
        this.network = network;
        this.macs = macs;
        this.arp = arp;
        this.ports = ports;
        this.floodVtep = floodVtep;
        this.peers = peers;
        this.counters = counters;
        this.vips = vips;
    }

    /** Whether the VTEP at {@code ipv4} may send into this network. No allocation. */
    public boolean hasPeer(int ipv4) {
        return peers.get(ipv4 & 0xFFFF_FFFFL) != LongLongMap.MISSING;
    }

    public OverlayNetwork network() {
        return network;
    }

    public NetworkCounters counters() {
        return counters;
    }

    public VipTable vips() {
        return vips;
    }

    public int portCount() {
        return ports.length;
    }

    public Port port(int index) {
        return ports[index];
    }

    boolean isTunnel() {
        return floodVtep != 0;
    }
}
