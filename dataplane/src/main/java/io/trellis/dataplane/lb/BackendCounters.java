package io.trellis.dataplane.lb;

import java.util.concurrent.atomic.LongAdder;

/**
 * Traffic through this node's NAT for one backend of one VIP, both directions: IPv4 packets as the
 * switch sees them (a TSO frame counts once) and their IPv4 bytes, headers included. Incremented by
 * packet threads without locks or allocation.
 */
public final class BackendCounters {
    public final LongAdder packets = new LongAdder();
    public final LongAdder bytes = new LongAdder();

    void count(int ipv4Bytes) {
        packets.increment();
        bytes.add(ipv4Bytes);
    }
}
