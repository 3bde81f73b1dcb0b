package io.trellis.ipvs.lvs;

/**
 * Counters of a service or destination since it was added, and rates, as of the kernel's last
 * estimator pass: it runs every 2 seconds, so a connection made just now may not be counted yet.
 * From IPVS_*_ATTR_STATS64 when the kernel sends it (Linux 4.1+), else from the older
 * IPVS_*_ATTR_STATS, whose counts other than bytes wrap at 2^32.
 *
 * @param cps connections per second
 * @param inBps incoming bytes per second
 */
public record IpvsStats(long connections, long inPackets, long outPackets, long inBytes, long outBytes, long cps,
        long inPps, long outPps, long inBps, long outBps) {
}
