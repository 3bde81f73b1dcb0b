package io.trellis.dataplane.lb;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.balance.BackendSet;
import io.trellis.dataplane.balance.Balancer;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.table.LongLongMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One network's VIPs as an immutable snapshot, part of the switch tables: VIP → its backends
 * (address, MAC, counters), whether a backend is (still) in a VIP's set, and whether an address is
 * any VIP's backend (so replies of tasks that are no backend skip the connection table). Lookups
 * are open-addressing maps of longs: no allocation.
 *
 * <p>Each VIP picks a new flow's backend through a {@link Balancer} of its service's algorithm over
 * its backends, made per snapshot from the state {@link VipCounters} keeps across snapshots.
 */
public final class VipTable {
    public static final VipTable EMPTY = new VipTable(new Vip[0], LongLongMap.EMPTY, LongLongMap.EMPTY,
            new BackendCounters[0], LongLongMap.EMPTY);

    private final Vip[] vips;
    /** VIP address (unsigned) → index in {@link #vips}. */
    private final LongLongMap byAddress;
    /** VIP << 32 | backend address → index in {@link #memberCounters}. */
    private final LongLongMap members;
    private final BackendCounters[] memberCounters;
    /** Backend address (unsigned) → 1. */
    private final LongLongMap backendAddresses;

    private VipTable(Vip[] vips, LongLongMap byAddress, LongLongMap members, BackendCounters[] memberCounters,
                     LongLongMap backendAddresses) {
        this.vips = vips;
        this.byAddress = byAddress;
        this.members = members;
        this.memberCounters = memberCounters;
        this.backendAddresses = backendAddresses;
    }

    /** The snapshot of {@code services}, with counters and balancers from {@code counters}. Control-plane use. */
    public static VipTable of(List<VipService> services, VipCounters counters) {
        if (services.isEmpty()) {
            return EMPTY;
        }
        Vip[] vips = new Vip[services.size()];
        LongLongMap.Builder byAddress = new LongLongMap.Builder();
        LongLongMap.Builder members = new LongLongMap.Builder();
        List<BackendCounters> memberCounters = new ArrayList<>();
        LongLongMap.Builder backendAddresses = new LongLongMap.Builder();
        for (int i = 0; i < vips.length; i++) {
            VipService s = services.get(i);
            Map<String, VipBackend> byTask = new HashMap<>();
            List<Backend> candidates = new ArrayList<>();
            for (VipBackend b : s.backends()) {
                byTask.put(b.taskId(), b);
                candidates.add(new Backend(b.taskId(), socketAddress(b.ipv4())));
            }
            Balancer balancer = counters.balancer(s.vip(), s.algorithm(), BackendSet.of(candidates));
            // The arrays follow the balancer's set, so a picked backend's index in it is its index here.
            BackendSet set = balancer.backends();
            int[] addresses = new int[set.size()];
            long[] macs = new long[set.size()];
            BackendCounters[] backendCounters = new BackendCounters[set.size()];
            ConnectionGauge[] gauges = new ConnectionGauge[balancer.countsConnections() ? set.size() : 0];
            for (int b = 0; b < addresses.length; b++) {
                String taskId = set.get(b).id();
                addresses[b] = byTask.get(taskId).ipv4();
                macs[b] = EndpointAddress.macOf(addresses[b]);
                backendCounters[b] = counters.backend(s.vip(), taskId);
                members.put(memberKey(s.vip(), addresses[b]), memberCounters.size());
                memberCounters.add(backendCounters[b]);
                backendAddresses.put(addresses[b] & 0xFFFF_FFFFL, 1);
                if (gauges.length > 0) {
                    gauges[b] = new ConnectionGauge(balancer, set.get(b));
                }
            }
            vips[i] = new Vip(s.vip(), addresses, macs, backendCounters, balancer, gauges);
            byAddress.put(s.vip() & 0xFFFF_FFFFL, i);
        }
        return new VipTable(vips, byAddress.build(), members.build(), memberCounters.toArray(new BackendCounters[0]),
                backendAddresses.build());
    }

    /** A backend's address for its {@link Backend}: only its identity matters here, never dialled. */
    private static InetSocketAddress socketAddress(int ipv4) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) (ipv4 >>> 24),
                (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4}), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static long memberKey(int vip, int backend) {
        return (long) vip << 32 | (backend & 0xFFFF_FFFFL);
    }

    public int size() {
        return vips.length;
    }

    /** The address of the {@code i}-th VIP, for the ARP proxy and the FDB. */
    public int address(int i) {
        return vips[i].address;
    }

    /** Whether any VIP has a backend: without one, no reply can need translating. */
    public boolean hasBackends() {
        return backendAddresses.size() > 0;
    }

    /** Whether {@code address} is a backend of some VIP here. */
    public boolean isBackend(int address) {
        return backendAddresses.get(address & 0xFFFF_FFFFL) != LongLongMap.MISSING;
    }

    /** The VIP at {@code address}, or null. */
    Vip find(int address) {
        long i = byAddress.get(address & 0xFFFF_FFFFL);
        return i == LongLongMap.MISSING ? null : vips[(int) i];
    }

    /** The counters of {@code backend} in {@code vip}'s set, or null when it is not (or no longer) in it. */
    BackendCounters member(int vip, int backend) {
        long i = members.get(memberKey(vip, backend));
        return i == LongLongMap.MISSING ? null : memberCounters[(int) i];
    }

    /** One VIP: its backends in its balancer's order (by task ID), and the balancer. */
    static final class Vip {
        final int address;
        final int[] backends;
        final long[] macs;
        final BackendCounters[] counters;
        private final Balancer balancer;
        /** Per backend when the balancer counts connections, else empty. */
        private final ConnectionGauge[] gauges;

        Vip(int address, int[] backends, long[] macs, BackendCounters[] counters, Balancer balancer,
            ConnectionGauge[] gauges) {
            this.address = address;
            this.backends = backends;
            this.macs = macs;
            this.counters = counters;
            this.balancer = balancer;
            this.gauges = gauges;
        }

        /** The index of the backend for the new flow in {@code key} (its client side). The VIP must have one. */
        int pick(FlowKey key) {
            Backend b = balancer.pick(key.flowHash());
            return balancer.backends().indexOf(b.id());
        }

        /** What a new TCP flow to backend {@code b} reports its opening and end to, or null if nothing counts. */
        ConnectionGauge gauge(int b) {
            return gauges.length == 0 ? null : gauges[b];
        }
    }
}
