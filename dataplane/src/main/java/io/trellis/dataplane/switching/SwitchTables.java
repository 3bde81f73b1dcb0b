package io.trellis.dataplane.switching;

import io.trellis.dataplane.NetworkCounters;
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
 */
public final class SwitchTables {
    public static final SwitchTables EMPTY = new SwitchTables(LongLongMap.EMPTY, new NetworkView[0]);

    private final LongLongMap vniIndex;
    private final NetworkView[] views;

    private SwitchTables(LongLongMap vniIndex, NetworkView[] views) {
        this.vniIndex = vniIndex;
        this.views = views;
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
            int floodVtep;

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

        /** Adds an endpoint on another node. */
        public Builder remote(EndpointInfo e) {
            Draft d = draft(e.networkId());
            d.macs.put(e.mac(), e.vtep() & 0xFFFF_FFFFL);
            d.arp.put(e.ipv4() & 0xFFFF_FFFFL, e.mac());
            return this;
        }

        /** Point-to-point tunnel: everything not for a local port goes to this VTEP. */
        public Builder floodTo(String networkId, int vtep) {
            draft(networkId).floodVtep = vtep;
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
            NetworkView[] views = new NetworkView[drafts.size()];
            int i = 0;
            for (Draft d : drafts.values()) {
                views[i] = new NetworkView(d.network, d.macs.build(), d.arp.build(), d.ports.toArray(new Port[0]),
                        d.floodVtep, d.counters);
                index.put(d.network.vni(), i++);
            }
            return new SwitchTables(index.build(), views);
        }
    }
}
