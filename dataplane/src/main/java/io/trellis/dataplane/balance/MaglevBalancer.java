package io.trellis.dataplane.balance;

/**
 * Consistent hashing by {@link MaglevTable}: a flow's hash indexes the table, so every node with the same
 * set sends the flow to the same backend, and a change of the set moves few flows. A retry walks on from
 * the flow's entry to the next one of another backend: still the same answer on every node, and the
 * failed backend's flows spread over the others as its entries' neighbours do.
 */
final class MaglevBalancer implements Balancer {
    static final String NAME = "maglev";

    private final BackendSet backends;
    private final int[] table;

    MaglevBalancer(BackendSet backends, int tableSize) {
        this.backends = backends;
        this.table = MaglevTable.build(backends, tableSize);
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
        if (backends.isEmpty()) {
            return null;
        }
        return backends.get(table[slot(flowHash)]);
    }

    @Override
    public Backend pickExcluding(long flowHash, Backend failed) {
        if (backends.isEmpty()) {
            return null;
        }
        int excluded = failed == null ? -1 : backends.indexOf(failed.id());
        int slot = slot(flowHash);
        for (int step = 0; step < table.length; step++) {
            int i = table[slot];
            if (i != excluded) {
                return backends.get(i);
            }
            slot = slot + 1 == table.length ? 0 : slot + 1;
        }
        return null;
    }

    @Override
    public Balancer withBackends(BackendSet next) {
        return new MaglevBalancer(next, table.length);
    }

    /** Table size M. */
    int tableSize() {
        return table.length;
    }

    /** Index in {@link #backends()} of the backend owning {@code slot}. */
    int owner(int slot) {
        return table[slot];
    }

    /** Re-mixed: a caller's weak hash (a counter, raw ports) still spreads over the table. */
    private int slot(long flowHash) {
        return (int) Long.remainderUnsigned(Hashes.mix64(flowHash), table.length);
    }
}
