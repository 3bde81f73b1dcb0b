package io.trellis.dataplane.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;

/**
 * The VIP connection table of one node: which backend each flow to a VIP was given, so that its
 * later packets go to the same backend and the backend's replies can be translated back. Keyed
 * twice per entry: by the client's side (network, protocol, client address and port, VIP, service
 * port) for the DNAT, and by the reply's side (the same with the backend instead of the VIP) for
 * the reverse translation. An entry whose backend is its client is a hairpin (the task reached its
 * own service, and {@link VipNat} made the VIP its packets' source as well): its replies, addressed
 * to the VIP, are looked up by the client side with the ports exchanged.
 *
 * <p>Memory: fixed-size open-addressing arrays of primitives (and one of gauge references), in
 * {@link ConntrackSettings#stripes} stripes of {@code capacity / stripes} entries. A stripe's arrays
 * are allocated on its first insert (a node with a handful of flows does not pay for a million);
 * after that nothing allocates, for new flows either. Both keys of an entry hash to the same stripe
 * (the stripe is chosen by the fields they share), so an insert or delete locks one stripe. Deletion
 * shifts probe chains back (no tombstones), so lookups stay short however many flows came and went.
 *
 * <p>Threads: any number of packet threads and one sweeper. Lookups are optimistic reads of a
 * stripe's {@link StampedLock}: readers of established flows never write a lock word and never
 * wait for each other; only a concurrent insert, delete or state change in the same stripe makes
 * one retry under the read lock. A lookup refreshes the entry's last-seen time without the lock
 * (an opaque write, at most every {@value #TOUCH_GRANULARITY_MILLIS} ms, so a flow's two packet
 * threads do not bounce the cache line on every packet).
 *
 * <p>Expiry: an entry idle longer than its state's timeout is ignored by lookups at once and freed
 * by {@link #sweep}, or by an insert that finds its stripe full.
 *
 * <p>Connection counts: an entry may carry a {@link ConnectionGauge} (a TCP flow to a VIP balanced by
 * {@code least-conn}). It is told the flow opened when the entry is inserted, and closed exactly once:
 * at the first FIN or RST (the move to {@link #TCP_CLOSING}), or when the entry goes (removed, replaced
 * by a flow on its ports, freed as expired). Both happen under the stripe's write lock, so a close
 * never overtakes its open. An expired entry still counts until it is swept or replaced: at most a
 * sweep interval.
 */
public final class Conntrack {
    public static final int FREE = 0;
    /** Only the client's SYN seen. */
    public static final int TCP_HALF_OPEN = 1;
    /** The backend answered the SYN. */
    public static final int TCP_ESTABLISHED = 2;
    /** A FIN or RST went either way. */
    public static final int TCP_CLOSING = 3;
    public static final int UDP = 4;
    public static final int ICMP = 5;

    static final long TOUCH_GRANULARITY_MILLIS = 100;
    private static final long TOUCH_GRANULARITY = TOUCH_GRANULARITY_MILLIS * 1_000_000L;
    private static final VarHandle SEEN = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int FORWARD = 0;
    private static final int REVERSE = 1;

    private final Stripe[] stripes;
    private final int stripeMask;
    private final int perStripe;
    private final long[] timeouts = new long[ICMP + 1];
    private final long reclaimInterval;
    private final LongSupplier clock;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; tests pass a fake) */
    public Conntrack(ConntrackSettings settings, LongSupplier nanoClock) {
        this.stripes = new Stripe[settings.stripes()];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
        this.stripeMask = stripes.length - 1;
        this.perStripe = settings.capacity() / settings.stripes();
        this.timeouts[TCP_HALF_OPEN] = settings.tcpHalfOpen().toNanos();
        this.timeouts[TCP_ESTABLISHED] = settings.tcpEstablished().toNanos();
        this.timeouts[TCP_CLOSING] = settings.tcpClosing().toNanos();
        this.timeouts[UDP] = settings.udp().toNanos();
        this.timeouts[ICMP] = settings.icmp().toNanos();
        this.reclaimInterval = settings.sweepInterval().toNanos();
        this.clock = nanoClock;
    }

    public Conntrack(ConntrackSettings settings) {
        this(settings, System::nanoTime);
    }

    /** The table's clock, in nanoseconds. */
    public long now() {
        return clock.getAsLong();
    }

    /** Most entries the table holds: {@code capacity} rounded down to a multiple of the stripes. */
    public int capacity() {
        return perStripe * stripes.length;
    }

    /**
     * Looks the flow up by its client side ({@code key}'s shared fields and {@link FlowKey#vip});
     * on a hit fills in the backend and state and refreshes the entry's last-seen time.
     */
    public boolean findForward(FlowKey key, long now) {
        return find(key, FORWARD, key.vip, now);
    }

    /** Looks the flow up by its reply side ({@link FlowKey#backend}); on a hit fills in the VIP and state. */
    public boolean findReverse(FlowKey key, long now) {
        return find(key, REVERSE, key.backend, now);
    }

    private boolean find(FlowKey key, int dir, int address, long now) {
        long client = key.clientWord();
        int tag = key.tag();
        Stripe s = stripe(client, tag);
        StampedLock lock = s.lock;
        long stamp = lock.tryOptimisticRead();
        int e = read(s.slab, client, tag, dir, address, key, now);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                e = read(s.slab, client, tag, dir, address, key, now);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        if (e < 0) {
            return false;
        }
        long[] seen = s.slab.seen;
        if (now - (long) SEEN.getOpaque(seen, e) > TOUCH_GRANULARITY) {
            SEEN.setOpaque(seen, e, now); // the entry may have been reused meanwhile: that only delays its expiry
        }
        return true;
    }

    /** Fills {@code key} from the live entry matching it, or returns -1. Safe under an optimistic read. */
    private int read(Slab slab, long client, int tag, int dir, int address, FlowKey key, long now) {
        if (slab == null) {
            return -1;
        }
        int e = slab.find(client, tag, dir, address);
        if (e < 0) {
            return -1;
        }
        int state = slab.state[e];
        if (state == FREE || expired(slab, e, state, now)) {
            return -1;
        }
        // Only the other side's address: the one looked up by stays as the caller set it, even when
        // an optimistic read saw a change in progress and the locked retry misses.
        key.state = state;
        if (dir == FORWARD) {
            key.backend = slab.backend[e];
        } else {
            key.vip = slab.vip[e];
        }
        return e;
    }

    private boolean expired(Slab slab, int e, int state, long now) {
        return now - (long) SEEN.getOpaque(slab.seen, e) > timeouts[state];
    }

    /**
     * Adds the flow ({@code key} with its VIP and backend) in {@code state}, replacing an entry of
     * the same client side, and one with the same reply side (the client's port to another VIP on
     * the same backend), so each reply maps back to one flow. Returns false, adding nothing, when the flow's stripe is full of live
     * entries.
     */
    public boolean insert(FlowKey key, int state, long now) {
        return insert(key, state, now, null);
    }

    /** As {@link #insert(FlowKey, int, long)}; a non-null {@code gauge} is told the flow opened, and later closed. */
    boolean insert(FlowKey key, int state, long now, ConnectionGauge gauge) {
        long client = key.clientWord();
        int tag = key.tag();
        Stripe s = stripe(client, tag);
        long stamp = s.lock.writeLock();
        try {
            Slab slab = s.slab;
            if (slab == null) {
                slab = new Slab(perStripe);
                s.slab = slab;
            }
            int old = slab.find(client, tag, FORWARD, key.vip);
            if (old >= 0) {
                slab.delete(old);
            }
            // The same client port to another VIP that chose the same backend: the replies could not
            // tell the two apart, so the newer flow takes the reply side over, as the client's kernel
            // has just reused that port.
            int clash = slab.find(client, tag, REVERSE, key.backend);
            if (clash >= 0) {
                slab.delete(clash);
            }
            if (slab.freeCount == 0 && now - slab.lastReclaim >= reclaimInterval) {
                // Full: free what expired, at most once per sweep interval so a flood of new flows
                // into a table of live ones does not scan the stripe per packet.
                slab.lastReclaim = now;
                expireLocked(slab, now);
            }
            if (slab.freeCount == 0) {
                return false;
            }
            int e = slab.free[--slab.freeCount];
            slab.client[e] = client;
            slab.tag[e] = tag;
            slab.vip[e] = key.vip;
            slab.backend[e] = key.backend;
            slab.state[e] = state;
            SEEN.setOpaque(slab.seen, e, now);
            slab.place(e, FORWARD);
            slab.place(e, REVERSE);
            slab.size++;
            key.state = state;
            if (gauge != null) {
                slab.gauge[e] = gauge;
                gauge.opened();
            }
            return true;
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /**
     * Moves the flow ({@code key} with its VIP) from state {@code from} to {@code to}; nothing if
     * it is gone or in another state. Takes the stripe's write lock: call it on transitions only.
     */
    public void transition(FlowKey key, int from, int to, long now) {
        long client = key.clientWord();
        int tag = key.tag();
        Stripe s = stripe(client, tag);
        long stamp = s.lock.writeLock();
        try {
            Slab slab = s.slab;
            int e = slab == null ? -1 : slab.find(client, tag, FORWARD, key.vip);
            if (e >= 0 && slab.state[e] == from) {
                slab.state[e] = to;
                SEEN.setOpaque(slab.seen, e, now);
                key.state = to;
                if (to == TCP_CLOSING) {
                    slab.release(e); // a FIN or RST ends the connection for counting: the rest is its tail
                }
            }
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /** Removes the flow with {@code key}'s client side and VIP, if there is one. */
    public void remove(FlowKey key) {
        long client = key.clientWord();
        int tag = key.tag();
        Stripe s = stripe(client, tag);
        long stamp = s.lock.writeLock();
        try {
            Slab slab = s.slab;
            int e = slab == null ? -1 : slab.find(client, tag, FORWARD, key.vip);
            if (e >= 0) {
                slab.delete(e);
            }
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /**
     * Frees every expired entry; returns how many. A stripe is scanned under its read lock and
     * write-locked only when it has something to free, so lookups rarely notice a sweep.
     */
    public int sweep() {
        long now = now();
        int freed = 0;
        for (Stripe s : stripes) {
            if (s.slab == null) {
                continue;
            }
            boolean any = false;
            long stamp = s.lock.readLock();
            try {
                Slab slab = s.slab;
                for (int e = 0; e < slab.state.length && !any; e++) {
                    any = slab.state[e] != FREE && expired(slab, e, slab.state[e], now);
                }
            } finally {
                s.lock.unlockRead(stamp);
            }
            if (any) {
                stamp = s.lock.writeLock();
                try {
                    freed += expireLocked(s.slab, now);
                } finally {
                    s.lock.unlockWrite(stamp);
                }
            }
        }
        return freed;
    }

    private int expireLocked(Slab slab, long now) {
        int freed = 0;
        for (int e = 0; e < slab.state.length; e++) {
            if (slab.state[e] != FREE && expired(slab, e, slab.state[e], now)) {
                slab.delete(e);
                freed++;
            }
        }
        return freed;
    }

    /** Entries held, expired ones not yet swept included (at most a sweep interval's worth). */
    public int size() {
        int n = 0;
        for (Stripe s : stripes) {
            long stamp = s.lock.readLock();
            try {
                n += s.slab == null ? 0 : s.slab.size;
            } finally {
                s.lock.unlockRead(stamp);
            }
        }
        return n;
    }

    /** Visits every live entry, a stripe at a time under its read lock (control-plane use: statistics). */
    public void forEach(EntryVisitor visitor) {
        long now = now();
        for (Stripe s : stripes) {
            long stamp = s.lock.readLock();
            try {
                Slab slab = s.slab;
                if (slab == null) {
                    continue;
                }
                for (int e = 0; e < slab.state.length; e++) {
                    int state = slab.state[e];
                    if (state != FREE && !expired(slab, e, state, now)) {
                        int tag = slab.tag[e];
                        visitor.accept(tag >>> 8, tag & 0xFF, slab.vip[e], slab.backend[e], state);
                    }
                }
            } finally {
                s.lock.unlockRead(stamp);
            }
        }
    }

    @FunctionalInterface
    public interface EntryVisitor {
        void accept(int vni, int protocol, int vip, int backend, int state);
    }

    private Stripe stripe(long client, int tag) {
        return stripes[(int) (mix(client ^ mix(tag)) >>> 40) & stripeMask];
    }

    static long mix(long x) {
        // splitmix64's finaliser: every input bit moves every output bit
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    private static final class Stripe {
        final StampedLock lock = new StampedLock();
        /** Written under the write lock, once; read optimistically (its fields are final, so a reader sees them whole). */
        Slab slab;
    }

    /** One stripe's entries and its index. Mutated only under the stripe's write lock. */
    private static final class Slab {
        /** Client address << 32 | client port << 16 | service port. */
        final long[] client;
        /** VNI << 8 | protocol. */
        final int[] tag;
        final int[] vip;
        final int[] backend;
        final int[] state;
        final long[] seen;
        /** The entry's {@link ConnectionGauge} until it is told the flow closed, or null. */
        final ConnectionGauge[] gauge;
        /** Stack of free entry numbers. */
        final int[] free;
        /** Slot → (entry << 1 | direction) + 1; 0 is empty. Twice as many slots as keys: short probe chains. */
        final int[] index;
        final int mask;
        int freeCount;
        int size;
        long lastReclaim = Long.MIN_VALUE / 2;

        Slab(int entries) {
            client = new long[entries];
            tag = new int[entries];
            vip = new int[entries];
            backend = new int[entries];
            state = new int[entries];
            seen = new long[entries];
            gauge = new ConnectionGauge[entries];
            free = new int[entries];
            for (int i = 0; i < entries; i++) {
                free[i] = entries - 1 - i;
            }
            freeCount = entries;
            index = new int[Integer.highestOneBit(Math.max(4, entries * 4 - 1)) << 1];
            mask = index.length - 1;
        }

        /**
         * The entry with this key, or -1. Under an optimistic read it may see a half-made change:
         * every value it reads is still in range, the probe is bounded, and the caller validates.
         */
        int find(long clientWord, int tagValue, int dir, int address) {
            int i = home(clientWord, tagValue, address);
            for (int n = 0; n <= mask; n++, i = (i + 1) & mask) {
                int v = index[i];
                if (v == 0) {
                    return -1;
                }
                int e = (v - 1) >>> 1;
                if (((v - 1) & 1) == dir && client[e] == clientWord && tag[e] == tagValue
                        && (dir == FORWARD ? vip[e] : backend[e]) == address) {
                    return e;
                }
            }
            return -1;
        }

        int home(long clientWord, int tagValue, int address) {
            return (int) mix(clientWord + 0x9E3779B97F4A7C15L * ((long) tagValue << 32 | (address & 0xFFFF_FFFFL))) & mask;
        }

        int home(int slotValue) {
            int e = (slotValue - 1) >>> 1;
            return home(client[e], tag[e], ((slotValue - 1) & 1) == FORWARD ? vip[e] : backend[e]);
        }

        void place(int e, int dir) {
            int i = home(client[e], tag[e], dir == FORWARD ? vip[e] : backend[e]);
            while (index[i] != 0) {
                i = (i + 1) & mask;
            }
            index[i] = (e << 1 | dir) + 1;
        }

        void delete(int e) {
            release(e);
            unplace(e, FORWARD);
            unplace(e, REVERSE);
            state[e] = FREE;
            free[freeCount++] = e;
            size--;
        }

        /** Tells the entry's gauge, if it still has one, that the flow closed. */
        void release(int e) {
            ConnectionGauge g = gauge[e];
            if (g != null) {
                gauge[e] = null;
                g.closed();
            }
        }

        /** Removes the entry's slot and shifts the rest of its probe chain back (Knuth's Algorithm R). */
        private void unplace(int e, int dir) {
            int value = (e << 1 | dir) + 1;
            int i = home(client[e], tag[e], dir == FORWARD ? vip[e] : backend[e]);
            for (int n = 0; index[i] != value; n++, i = (i + 1) & mask) {
                if (index[i] == 0 || n > mask) {
                    return; // not indexed: cannot happen for a live entry
                }
            }
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                int v = index[j];
                if (v == 0) {
                    break;
                }
                int h = home(v);
                // v may fill the hole at i unless its home lies cyclically in (i, j]
                boolean stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
                if (!stays) {
                    index[i] = v;
                    i = j;
                }
            }
            index[i] = 0;
        }
    }
}
