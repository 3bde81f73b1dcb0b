package io.trellis.dataplane.switching;

import java.util.concurrent.atomic.LongAdder;

/**
 * Node-level VTEP counters: datagrams dropped before any network could be known (or trusted), so
 * they are counted per VTEP socket, never under the network their attacker-controlled VNI names.
 */
public final class VtepCounters {
    public final LongAdder malformed = new LongAdder();
    public final LongAdder unknownVni = new LongAdder();
    /**
     * Plain VXLAN from an underlay address that is no remote VTEP of any network here
     * ({@link io.trellis.dataplane.DropReason#UNKNOWN_PEER}): dropped before the header is read.
     */
    public final LongAdder unknownPeer = new LongAdder();
}
