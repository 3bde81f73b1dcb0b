package io.trellis.dataplane.balance;

import java.util.Arrays;

/**
 * Maglev's lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016, §3.4, Pseudocode 1): each backend's preference list is the permutation
 * {@code (offset + j * skip) mod M} with {@code offset = h1(name) mod M} and
 * {@code skip = h2(name) mod (M - 1) + 1}; backends take turns claiming their next unclaimed preferred
 * entry until all M are taken. M is prime, so every skip walks the whole table. Weights: in each round a
 * backend takes as many turns as its (reduced) weight.
 */
final class MaglevTable {
    /** The paper's smaller table size; a table should be well over 100 entries per backend. */
    static final int DEFAULT_SIZE = 65_537;
    /** 4 bytes an entry: 64 MiB at most per service. */
    static final int MAX_SIZE = 16_777_216;

    private static final long SEED_OFFSET = 0x6D61676C65762D31L;
    private static final long SEED_SKIP = 0x6D61676C65762D32L;

    private MaglevTable() {
    }

    /** Throws a one-line IllegalArgumentException unless {@code size} is a prime in range. */
    static int checkSize(int size) {
        if (size < DEFAULT_SIZE || size > MAX_SIZE || !isPrime(size)) {
            throw new IllegalArgumentException("maglev table size must be a prime between " + DEFAULT_SIZE
                    + " and " + MAX_SIZE + ", got " + size);
        }
        return size;
    }

    /** Entry → index of its backend in {@code set}; all -1 for an empty set. */
    static int[] build(BackendSet set, int size) {
        checkSize(size);
        int n = set.size();
        int[] entry = new int[size];
        Arrays.fill(entry, -1);
        if (n == 0) {
            return entry;
        }
        if (n > size) {
            throw new IllegalArgumentException("maglev table size " + size + " is smaller than " + n + " backends");
        }
        // next[i] of the paper kept as the position it designates: permutation[i][next[i]].
        long[] position = new long[n];
        long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            String name = set.get(i).id();
            position[i] = Long.remainderUnsigned(Hashes.hash(name, SEED_OFFSET), size);
            skip[i] = Long.remainderUnsigned(Hashes.hash(name, SEED_SKIP), size - 1) + 1;
        }
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int turn = set.reducedWeight(i); turn > 0; turn--) {
                    long c = position[i];
                    // Terminates: the table is not full and the permutation visits every entry.
                    while (entry[(int) c] >= 0) {
                        c = advance(c, skip[i], size);
                    }
                    entry[(int) c] = i;
                    position[i] = advance(c, skip[i], size);
                    if (++filled == size) {
                        return entry;
                    }
                }
            }
        }
    }

    private static long advance(long position, long skip, int size) {
        long next = position + skip;
        return next >= size ? next - size : next;
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
