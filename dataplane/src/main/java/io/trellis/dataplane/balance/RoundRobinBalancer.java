package io.trellis.dataplane.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted round robin without locks: the set's smooth weighted round-robin order (nginx's: each turn
 * every backend gains its weight, the richest is picked and pays the total) is computed once per set,
 * one cycle of {@code sum of weights} picks; a shared counter walks it. Weights 5:1:1 give
 * a,a,b,a,c,a,a rather than five a's in a row.
 */
final class RoundRobinBalancer implements Balancer {
    static final String NAME = "rr";

    private final BackendSet backends;
    private final int[] order;
    private final AtomicLong cursor;

    RoundRobinBalancer(BackendSet backends, AtomicLong cursor) {
        this.backends = backends;
        this.order = smoothOrder(backends);
        this.cursor = cursor;
    }

    @Override
    public String algorithm() {
        return NAME;
    }

    @Override
    public BackendSet backends() {
        return backends;
    }

    @Override
    public Backend pick(long flowHash) {
        if (order.length == 0) {
            return null;
        }
        return backends.get(order[next()]);
    }

    /**
     * Another backend in proportion to the weights of those left: walking on in the order instead would
     * favour whichever backend follows the failed one's longest run.
     */
    @Override
    public Backend pickExcluding(long flowHash, Backend failed) {
        int excluded = failed == null ? -1 : backends.indexOf(failed.id());
        long total = backends.reducedTotalWeight() - (excluded < 0 ? 0 : backends.reducedWeight(excluded));
        if (total == 0) {
            return null;
        }
        long target = Long.remainderUnsigned(Hashes.mix64(cursor.getAndIncrement()), total);
        for (int i = 0; i < backends.size(); i++) {
            if (i == excluded) {
                continue;
            }
            target -= backends.reducedWeight(i);
            if (target < 0) {
                return backends.get(i);
            }
        }
        throw new IllegalStateException("weights changed under a snapshot");
    }

    @Override
    public Balancer withBackends(BackendSet next) {
        return new RoundRobinBalancer(next, cursor);
    }

    private int next() {
        return (int) Long.remainderUnsigned(cursor.getAndIncrement(), order.length);
    }

    /** One cycle of nginx's smooth weighted round robin over the reduced weights. */
    static int[] smoothOrder(BackendSet set) {
        int n = set.size();
        int total = (int) set.reducedTotalWeight();
        int[] order = new int[total];
        long[] current = new long[n];
        for (int k = 0; k < total; k++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += set.reducedWeight(i);
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[k] = best;
        }
        return order;
    }
}
