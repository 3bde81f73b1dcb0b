package io.trellis.dataplane.switching;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.table.LongLongMap;

/**
 * One network's forwarding state, immutable: MAC → destination, IPv4 → MAC for the ARP proxy, the
 * local ports, and (for a point-to-point tunnel only) the VTEP that gets everything else.
 */
public final class NetworkView {
    /** A destination with this bit is a local port index; without it, a remote VTEP's IPv4 address. */
    static final long LOCAL = 1L << 40;

    final OverlayNetwork network;
    final LongLongMap macs;
    final LongLongMap arp;
    final Port[] ports;
    /** Non-zero only for a point-to-point tunnel: the remote that receives all traffic. */
    final int floodVtep;
    final NetworkCounters counters;

    NetworkView(OverlayNetwork network, LongLongMap macs, LongLongMap arp, Port[] ports, int floodVtep,
                NetworkCounters counters) {
        this.network = network;
        this.macs = macs;
        this.arp = arp;
        this.ports = ports;
        this.floodVtep = floodVtep;
        this.counters = counters;
    }

    public OverlayNetwork network() {
        return network;
    }

    public NetworkCounters counters() {
        return counters;
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
