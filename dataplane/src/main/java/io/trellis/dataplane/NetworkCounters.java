package io.trellis.dataplane;

import java.util.concurrent.atomic.LongAdder;

/**
 * Per-network packet counters, incremented on the hot path from several threads without locks or
 * allocation ({@link LongAdder}), read by the metrics exporter.
 */
public final class NetworkCounters {
    public final LongAdder fromPortsPackets = new LongAdder();
    public final LongAdder fromPortsBytes = new LongAdder();
    public final LongAdder toPortsPackets = new LongAdder();
    public final LongAdder toPortsBytes = new LongAdder();
    public final LongAdder toVtepPackets = new LongAdder();
    public final LongAdder toVtepBytes = new LongAdder();
    public final LongAdder fromVtepPackets = new LongAdder();
    public final LongAdder fromVtepBytes = new LongAdder();
    public final LongAdder arpReplies = new LongAdder();
    /**
     * VIP connection-tracking entries removed because a client opened a direct flow on the same
     * 4-tuple as the backend sees it (a reused local port): not drops, the packet goes on.
     */
    public final LongAdder natSuperseded = new LongAdder();
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];

    public NetworkCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    public void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }
}
