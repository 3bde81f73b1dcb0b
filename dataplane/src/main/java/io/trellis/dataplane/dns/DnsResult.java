package io.trellis.dataplane.dns;

/** How one query ended; each query is counted under exactly one, or none if it was never read whole. */
public enum DnsResult {
    /** Answered from the directory with records. */
    ANSWERED("answered"),
    /** A cluster name without records of the asked type: NOERROR, empty answer. */
    NODATA("nodata"),
    /** Not a cluster name and no upstream resolver to ask. */
    NXDOMAIN("nxdomain"),
    /** Not a cluster name: the upstream's answer was relayed. */
    FORWARDED("forwarded"),
    /** Not a cluster name and the upstream did not answer in time, or too many were waiting: SERVFAIL. */
    FORWARD_FAILED("forward_failed"),
    /** Undecodable, a response, not a single-question standard query: dropped unanswered. */
    MALFORMED("malformed"),
    /** A TCP message over the size limit: dropped and the connection closed. */
    OVERSIZED("oversized"),
    /** The directory threw: SERVFAIL. */
    FAILED("failed");

    private final String label;

    DnsResult(String label) {
        this.label = label;
    }

    /** The value of the {@code result} tag of {@code trellis_dns_queries_total}. */
    public String label() {
        return label;
    }
}
