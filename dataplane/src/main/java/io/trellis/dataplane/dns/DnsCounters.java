package io.trellis.dataplane.dns;

import java.util.concurrent.atomic.LongAdder;

/** Queries by {@link DnsResult}, counted without locks and read by the metrics exporter. */
public final class DnsCounters {
    private final LongAdder[] results = new LongAdder[DnsResult.values().length];

    public DnsCounters() {
        for (int i = 0; i < results.length; i++) {
            results[i] = new LongAdder();
        }
    }

    public void increment(DnsResult result) {
        results[result.ordinal()].increment();
    }

    public long count(DnsResult result) {
        return results[result.ordinal()].sum();
    }

    /** The adder itself, for a gauge or function counter that reads it. */
    public LongAdder adder(DnsResult result) {
        return results[result.ordinal()];
    }
}
