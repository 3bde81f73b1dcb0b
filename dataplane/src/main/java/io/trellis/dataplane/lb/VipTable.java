package io.trellis.dataplane.lb;

import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.table.LongLongMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One network's VIPs as an immutable snapshot, part of the switch tables: VIP → its backends
 * (address, MAC, counters), whether a backend is (still) in a VIP's set, and whether an address is
 * any VIP's backend (so replies of tasks that are no backend skip the connection table). Lookups
 * are open-addressing maps of longs: no allocation.
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

    /** The snapshot of {@code services}, with counters and cursors from {@code counters}. Control-plane use. */
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
            List<VipBackend> list = s.backends();
            int[] addresses = new int[list.size()];
            long[] macs = new long[list.size()];
            BackendCounters[] backendCounters = new BackendCounters[list.size()];
            for (int b = 0; b < addresses.length; b++) {
                addresses[b] = list.get(b).ipv4();
                macs[b] = EndpointAddress.macOf(addresses[b]);
                backendCounters[b] = counters.backend(s.vip(), list.get(b).taskId());
                members.put(memberKey(s.vip(), addresses[b]), memberCounters.size());
                memberCounters.add(backendCounters[b]);
                backendAddresses.put(addresses[b] & 0xFFFF_FFFFL, 1);
            }
            vips[i] = new Vip(s.vip(), addresses, macs, backendCounters, counters.cursor(s.vip()));
            byAddress.put(s.vip() & 0xFFFF_FFFFL, i);
        }
        return new VipTable(vips, byAddress.build(), members.build(), memberCounters.toArray(new BackendCounters[0]),
                backendAddresses.build());
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

    /** One VIP: its backends in the order the control plane listed them. */
    static final class Vip {
        final int address;
        final int[] backends;
        final long[] macs;
        final BackendCounters[] counters;
        private final AtomicLong cursor;

        Vip(int address, int[] backends, long[] macs, BackendCounters[] counters, AtomicLong cursor) {
            this.address = address;
            this.backends = backends;
            this.macs = macs;
            this.counters = counters;
            this.cursor = cursor;
        }

        /** Round robin: the next backend's index. The VIP must have one. */
        int next() {
            return (int) Long.remainderUnsigned(cursor.getAndIncrement(), backends.length);
        }
    }
}
