package io.trellis.dataplane.table;

import java.util.Arrays;

/**
 * An immutable open-addressing hash map from {@code long} to {@code long}, built once and then read
 * by packet threads without locks, boxing or allocation (a MAC address fits in a long).
 */
public final class LongLongMap {
    /** What {@link #get} returns for a missing key. Keys and values may be anything else. */
    public static final long MISSING = Long.MIN_VALUE;
    private static final long EMPTY_KEY = Long.MIN_VALUE;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private final int size;

    private LongLongMap(long[] keys, long[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.mask = keys.length - 1;
        this.size = size;
    }

    public static final LongLongMap EMPTY = new Builder().build();

    public long get(long key) {
        if (key == EMPTY_KEY) {
            return MISSING;
        }
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY_KEY) {
                return MISSING;
            }
        }
    }

    public int size() {
        return size;
    }

    /** Visits every entry (control-plane use: listing, diffing). */
    public void forEach(LongLongConsumer visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY_KEY) {
                visitor.accept(keys[i], values[i]);
            }
        }
    }

    @FunctionalInterface
    public interface LongLongConsumer {
        void accept(long key, long value);
    }

    static int index(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads MACs that share a prefix
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Collects entries; the last put for a key wins. Not thread-safe; build on one thread. */
    public static final class Builder {
        private long[] keys = new long[16];
        private long[] values = new long[16];
        private int size;

        public Builder() {
            Arrays.fill(keys, EMPTY_KEY);
        }

        public Builder put(long key, long value) {
            if (key == EMPTY_KEY) {
                throw new IllegalArgumentException("key " + key + " is reserved");
            }
            if ((size + 1) * 2 > keys.length) { // keep the load factor at most 1/2: short probe chains
                grow();
            }
            int mask = keys.length - 1;
            for (int i = index(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == EMPTY_KEY) {
                    keys[i] = key;
                    values[i] = value;
                    size++;
                    return this;
                }
                if (keys[i] == key) {
                    values[i] = value;
                    return this;
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new long[oldKeys.length * 2];
            Arrays.fill(keys, EMPTY_KEY);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY_KEY) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }

        public LongLongMap build() {
            return new LongLongMap(keys.clone(), values.clone(), size);
        }
    }
}
