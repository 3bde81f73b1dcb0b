package io.trellis.dataplane.switching;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.table.LongLongMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every network this node switches, as one immutable snapshot. The control plane builds a new one
 * per change and the switch swaps it in atomically: packet threads never lock.
 *
 * <p>The snapshot also holds the peers: the IPv4 addresses of the remote VTEPs the control plane
 * placed endpoints on ({@link Builder#remote}) or pointed a tunnel at ({@link Builder#floodTo}), for
 * the whole node and per network. A plain VXLAN datagram from any other address is dropped before
 * its header is read ({@link VirtualSwitch#fromVtep(SwitchContext, int, io.netty.buffer.ByteBuf, int, int, VtepCounters)}),
 * and the peer set changes exactly when the forwarding tables do.
 */
public final class SwitchTables {
    public static final SwitchTables EMPTY = new SwitchTables(LongLongMap.EMPTY, new NetworkView[0], LongLongMap.EMPTY);

    private final LongLongMap vniIndex;
    private final NetworkView[] views;
    /** Every network's peers: IPv4 address (unsigned, as a long) → 1. */
    private final LongLongMap peers;

    private SwitchTables(LongLongMap vniIndex, NetworkView[] views, LongLongMap peers) {
        this.vniIndex = vniIndex;
        this.views = views;
        this.peers = peers;
    }

    /** Whether {@code ipv4} is the underlay address of a remote VTEP of some network here. No allocation. */
    public boolean isPeer(int ipv4) {
        return peers.get(ipv4 & 0xFFFF_FFFFL) != LongLongMap.MISSING;
    }

    /** How many distinct remote VTEPs the node accepts VXLAN from. */
    public int peerCount() {
        return peers.size();
    }

    /** The network with this VNI, or null. */
    public NetworkView byVni(int vni) {
        long i = vniIndex.get(vni);
        return i == LongLongMap.MISSING ? null : views[(int) i];
    }

    public List<NetworkView> networks() {
        return List.of(views);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects networks, their local ports and remote endpoints. Counters are passed in so they survive rebuilds. */
    public static final class Builder {
        private final Map<Integer, Draft> drafts = new LinkedHashMap<>();
        private final Map<String, Integer> vniById = new HashMap<>();

        private static final class Draft {
            final OverlayNetwork network;
            final NetworkCounters counters;
            final LongLongMap.Builder macs = new LongLongMap.Builder();
            final LongLongMap.Builder arp = new LongLongMap.Builder();
            final List<Port> ports = new ArrayList<>();
            final LongLongMap.Builder peers = new LongLongMap.Builder();
            int floodVtep;
            VipTable vips = VipTable.EMPTY;

            Draft(OverlayNetwork network, NetworkCounters counters) {
                this.network = network;
                this.counters = counters;
            }
        }

        public Builder network(OverlayNetwork n, NetworkCounters counters) {
            if (drafts.containsKey(n.vni())) {
                throw new IllegalArgumentException("VNI " + n.vni() + " is used by two networks");
            }
            drafts.put(n.vni(), new Draft(n, counters));
            vniById.put(n.id(), n.vni());
            return this;
        }

        /** Adds a local port; its index in the built view is its position in the order added. */
        public Port port(String networkId, long mac, int ipv4, boolean trunk, FrameSink sink) {
            Draft d = draft(networkId);
            Port p = new Port(d.ports.size(), mac, ipv4, trunk, sink);
            d.ports.add(p);
            if (!trunk) {
                d.macs.put(mac, NetworkView.LOCAL | p.index());
                d.arp.put(ipv4 & 0xFFFF_FFFFL, mac);
            }
            return p;
        }

        /** Adds an endpoint on another node; its VTEP becomes a peer of the network. */
        public Builder remote(EndpointInfo e) {
            Draft d = draft(e.networkId());
            d.macs.put(e.mac(), e.vtep() & 0xFFFF_FFFFL);
            d.arp.put(e.ipv4() & 0xFFFF_FFFFL, e.mac());
            d.peers.put(e.vtep() & 0xFFFF_FFFFL, 1);
            return this;
        }

        /**
         * Point-to-point tunnel: everything not for a local port goes to this VTEP, and it is the
         * network's peer (a tunnel has no remote endpoints).
         */
        public Builder floodTo(String networkId, int vtep) {
            Draft d = draft(networkId);
            d.floodVtep = vtep;
            d.peers.put(vtep & 0xFFFF_FFFFL, 1);
            return this;
        }

        /**
         * The network's VIPs: the ARP proxy answers for each with its MAC, and frames to that MAC go
         * through the load balancer.
         */
        public Builder services(String networkId, VipTable vips) {
            draft(networkId).vips = vips;
            return this;
        }

        private Draft draft(String networkId) {
            Integer vni = vniById.get(networkId);
            if (vni == null) {
                throw new IllegalArgumentException("unknown network " + networkId);
            }
            return drafts.get(vni);
        }

        public SwitchTables build() {
            LongLongMap.Builder index = new LongLongMap.Builder();
            LongLongMap.Builder allPeers = new LongLongMap.Builder();
            NetworkView[] views = new NetworkView[drafts.size()];
            int i = 0;
            for (Draft d : drafts.values()) {
                for (int v = 0; v < d.vips.size(); v++) {
                    int vip = d.vips.address(v);
                    d.macs.put(EndpointAddress.macOf(vip), NetworkView.VIP);
                    d.arp.put(vip & 0xFFFF_FFFFL, EndpointAddress.macOf(vip));
                }
                LongLongMap peers = d.peers.build();
                peers.forEach((vtep, one) -> allPeers.put(vtep, 1));
                views[i] = new NetworkView(d.network, d.macs.build(), d.arp.build(), d.ports.toArray(new Port[0]),
                        d.floodVtep, peers, d.counters, d.vips);
                index.put(d.network.vni(), i++);
            }
            return new SwitchTables(index.build(), views, allPeers.build());
        }
    }
}
