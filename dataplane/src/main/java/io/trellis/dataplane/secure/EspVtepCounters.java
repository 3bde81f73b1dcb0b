package io.trellis.dataplane.secure;

import java.util.concurrent.atomic.LongAdder;

/**
 * Drops the ESP socket counts besides {@link io.trellis.ipsec.esp.EspCounters}' inbound results:
 * authentic packets that still must not enter the overlay, and sends that found no SA.
 */
public final class EspVtepCounters {
    /** Authentic, but Next Header is not 17 (RFC 4303 §2.6; 59 = a dummy packet): discarded. */
    public final LongAdder notUdp = new LongAdder();
    /** Authentic, but the payload is not a UDP datagram to port 4789 with a matching length. */
    public final LongAdder innerMalformed = new LongAdder();
    /** Authentic under one network's key but naming another network's VNI: never delivered across. */
    public final LongAdder wrongNetwork = new LongAdder();
    /** Outbound traffic of an encrypted network with no send key or no SA for the VTEP: dropped, never sent in clear. */
    public final LongAdder noKey = new LongAdder();
    /** The socket buffer and Netty's queue behind it were full: dropped, as a NIC drops on a full transmit queue. */
    public final LongAdder queueFull = new LongAdder();
    /** The ESP socket refused a send (closed, or an error other than a full buffer). */
    public final LongAdder sendFailed = new LongAdder();
}
