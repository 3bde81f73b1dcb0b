package io.trellis.dataplane.lb;

import java.time.Duration;

/**
 * Size and idle timeouts of the VIP connection table. The defaults follow IPVS's spirit with
 * shorter tails: a client that closed or reset is gone in seconds, a half-open one in a minute.
 *
 * @param capacity     most entries alive at once; new flows beyond it are dropped and counted
 * @param stripes      lock stripes (a power of two): each holds {@code capacity / stripes} entries
 * @param tcpEstablished idle timeout of a TCP connection once the backend answered its SYN
 * @param tcpClosing   idle timeout after a FIN or RST in either direction
 * @param tcpHalfOpen  idle timeout while only the client's SYN was seen
 * @param sweepInterval how often the sweeper frees expired entries (lookups ignore them sooner)
 */
public record ConntrackSettings(int capacity, int stripes, Duration tcpEstablished, Duration tcpClosing,
                                Duration tcpHalfOpen, Duration udp, Duration icmp, Duration sweepInterval) {

    public static final ConntrackSettings DEFAULT = new ConntrackSettings(1 << 20, 64, Duration.ofHours(2),
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(300), Duration.ofSeconds(10),
            Duration.ofSeconds(1));

    public ConntrackSettings {
        if (stripes < 1 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two, not " + stripes);
        }
        if (capacity < stripes) {
            throw new IllegalArgumentException("capacity " + capacity + " is below the " + stripes + " stripes");
        }
        for (Duration d : new Duration[] {tcpEstablished, tcpClosing, tcpHalfOpen, udp, icmp, sweepInterval}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and the sweep interval must be positive, not " + d);
            }
        }
    }

    public ConntrackSettings withCapacity(int entries, int stripeCount) {
        return new ConntrackSettings(entries, stripeCount, tcpEstablished, tcpClosing, tcpHalfOpen, udp, icmp,
                sweepInterval);
    }

    public ConntrackSettings withTcpEstablished(Duration idle) {
        return new ConntrackSettings(capacity, stripes, idle, tcpClosing, tcpHalfOpen, udp, icmp, sweepInterval);
    }
}
