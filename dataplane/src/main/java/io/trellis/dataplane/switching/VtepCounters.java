package io.trellis.dataplane.switching;

import java.util.concurrent.atomic.LongAdder;

/** Node-level VTEP counters: packets dropped before any network could be known. */
public final class VtepCounters {
    public final LongAdder malformed = new LongAdder();
    public final LongAdder unknownVni = new LongAdder();
}
