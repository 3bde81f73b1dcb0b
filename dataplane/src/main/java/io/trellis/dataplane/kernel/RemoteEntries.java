package io.trellis.dataplane.kernel;

import io.trellis.dataplane.model.EndpointInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a network's VXLAN device must hold for the endpoints on other nodes: an FDB entry per MAC
 * (to its node's VTEP) and a neighbour entry per address (to its MAC, for the device's ARP proxy).
 * {@link #changesTo} is the diff between two of them, so a change of endpoints touches only the
 * entries that changed and traffic to the others never sees a gap.
 *
 * @param fdb        MAC → VTEP address
 * @param neighbours IPv4 address → MAC
 */
public record RemoteEntries(Map<Long, Integer> fdb, Map<Integer, Long> neighbours) {
    public static final RemoteEntries NONE = new RemoteEntries(Map.of(), Map.of());

    public RemoteEntries {
        fdb = Map.copyOf(fdb);
        neighbours = Map.copyOf(neighbours);
    }

    /** The entries of {@code remotes}, leaving out those {@code skip} matches (endpoints attached here). */
    public static RemoteEntries of(Collection<EndpointInfo> remotes, Predicate<EndpointInfo> skip) {
        Map<Long, Integer> fdb = new LinkedHashMap<>();
        Map<Integer, Long> neighbours = new LinkedHashMap<>();
        for (EndpointInfo r : remotes) {
            if (!skip.test(r)) {
                fdb.put(r.mac(), r.vtep());
                neighbours.put(r.ipv4(), r.mac());
            }
        }
        return new RemoteEntries(fdb, neighbours);
    }

    /** One FDB entry: frames to {@code mac} go to VTEP {@code vtep}. */
    public record Fdb(long mac, int vtep) {
    }

    /** One neighbour entry: {@code ipv4} is at {@code mac}. */
    public record Neighbour(int ipv4, long mac) {
    }

    /**
     * What turns these entries into {@code next}: entries to delete first (gone, or pointing
     * elsewhere now), then entries to add. Entries in both, unchanged, are in neither list.
     */
    public record Changes(List<Fdb> fdbRemoved, List<Neighbour> neighboursRemoved, List<Fdb> fdbAdded,
                          List<Neighbour> neighboursAdded) {
        public boolean isEmpty() {
            return fdbRemoved.isEmpty() && neighboursRemoved.isEmpty() && fdbAdded.isEmpty()
                    && neighboursAdded.isEmpty();
        }
    }

    public Changes changesTo(RemoteEntries next) {
        List<Fdb> fdbRemoved = new ArrayList<>();
        List<Fdb> fdbAdded = new ArrayList<>();
        fdb.forEach((mac, vtep) -> {
            if (!vtep.equals(next.fdb.get(mac))) {
                fdbRemoved.add(new Fdb(mac, vtep));
            }
        });
        next.fdb.forEach((mac, vtep) -> {
            if (!vtep.equals(fdb.get(mac))) {
                fdbAdded.add(new Fdb(mac, vtep));
            }
        });
        List<Neighbour> neighboursRemoved = new ArrayList<>();
        List<Neighbour> neighboursAdded = new ArrayList<>();
        neighbours.forEach((ip, mac) -> {
            if (!Objects.equals(mac, next.neighbours.get(ip))) {
                neighboursRemoved.add(new Neighbour(ip, mac));
            }
        });
        next.neighbours.forEach((ip, mac) -> {
            if (!Objects.equals(mac, neighbours.get(ip))) {
                neighboursAdded.add(new Neighbour(ip, mac));
            }
        });
        return new Changes(fdbRemoved, neighboursRemoved, fdbAdded, neighboursAdded);
    }
}
