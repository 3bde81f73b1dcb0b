package io.trellis.dataplane.balance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The healthy backends of one service at one moment, immutable, sorted by ID: every node that gets the
 * same backends builds the same set and so (for Maglev) the same table, whatever order they came in.
 * A change of the backends is a new set.
 */
public final class BackendSet {
    public static final BackendSet EMPTY = new BackendSet(new Backend[0]);

    private final Backend[] backends;
    private final List<Backend> list;
    private final Map<String, Integer> indexById;
    private final int weightGcd;
    private final long totalWeight;

    private BackendSet(Backend[] sorted) {
        this.backends = sorted;
        this.list = List.of(sorted);
        this.indexById = new HashMap<>();
        int gcd = 0;
        long total = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (indexById.put(sorted[i].id(), i) != null) {
                throw new IllegalArgumentException("backend id " + sorted[i].id() + " appears twice");
            }
            gcd = gcd(gcd, sorted[i].weight());
            total += sorted[i].weight();
        }
        this.weightGcd = Math.max(gcd, 1);
        this.totalWeight = total;
    }

    public static BackendSet of(Collection<Backend> backends) {
        if (backends.isEmpty()) {
            return EMPTY;
        }
        Backend[] sorted = backends.toArray(new Backend[0]);
        Arrays.sort(sorted, Comparator.comparing(Backend::id));
        return new BackendSet(sorted);
    }

    public static BackendSet of(Backend... backends) {
        return of(List.of(backends));
    }

    /** This set plus {@code backend} (replacing one with the same ID). */
    public BackendSet with(Backend backend) {
        List<Backend> next = new ArrayList<>(list.size() + 1);
        for (Backend b : backends) {
            if (!b.id().equals(backend.id())) {
                next.add(b);
            }
        }
        next.add(backend);
        return of(next);
    }

    /** This set without the backend named {@code id}. */
    public BackendSet without(String id) {
        List<Backend> next = new ArrayList<>(list.size());
        for (Backend b : backends) {
            if (!b.id().equals(id)) {
                next.add(b);
            }
        }
        return of(next);
    }

    public int size() {
        return backends.length;
    }

    public boolean isEmpty() {
        return backends.length == 0;
    }

    /** The {@code i}-th backend in ID order. */
    public Backend get(int i) {
        return backends[i];
    }

    /** The backends in ID order. */
    public List<Backend> backends() {
        return list;
    }

    /** The index of the backend named {@code id}, or -1. Allocation-free. */
    public int indexOf(String id) {
        Integer i = indexById.get(id);
        return i == null ? -1 : i;
    }

    public boolean contains(String id) {
        return indexById.containsKey(id);
    }

    /** The backend's weight divided by the weights' greatest common divisor: 2:4:6 balances as 1:2:3. */
    int reducedWeight(int i) {
        return backends[i].weight() / weightGcd;
    }

    /** The sum of the reduced weights. */
    long reducedTotalWeight() {
        return totalWeight / weightGcd;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return list.toString();
    }
}
