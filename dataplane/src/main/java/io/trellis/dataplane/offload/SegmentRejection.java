package io.trellis.dataplane.offload;

import java.util.Locale;

/**
 * Why {@link TcpSegmenter} turned a frame read from the TAP down. Returned, never thrown, so the
 * send path allocates nothing and counts every refusal by reason (counters, not logs).
 */
public enum SegmentRejection {
    /** Segmented (or copied) into datagrams. */
    NONE("accepted"),
    /** gso_type is UDP_L4 (USO) or unknown: only TCPV4 and TCPV6, with or without ECN, are cut here. */
    UNSUPPORTED_GSO_TYPE("the virtio gso_type is not TCPV4 or TCPV6"),
    /** The frame is not TCP over the IP version its gso_type names, is a fragment, or has IPv6 extension headers. */
    NOT_TCP("the frame is not an unfragmented TCP segment of the IP version gso_type names"),
    /** Ethernet, IP or TCP header truncated, or an IP length field disagrees with the frame. */
    MALFORMED("the frame's Ethernet, IP or TCP header is truncated or its length fields disagree with the frame"),
    /** csum_start/csum_offset point outside the frame, or not at the TCP checksum of a GSO frame. */
    BAD_CHECKSUM_OFFSETS("csum_start and csum_offset must point at the L4 checksum inside the frame"),
    /** A GSO frame with gso_size 0. */
    BAD_GSO_SIZE("gso_size must be at least 1 for a GSO frame"),
    /** A datagram would be longer than the underlay carries (the segmenter's maxDatagramLength). */
    OVERSIZE("a VXLAN datagram would exceed the largest the underlay carries"),
    /** The caller's output buffer cannot hold every datagram. */
    OUTPUT_TOO_SMALL("the output buffer is too small for the datagrams"),
    /** Not a GSO frame of two segments or more: nothing to gather, {@code segment} copies it instead. */
    NOT_GATHERED("only GSO frames of two or more segments are gathered");

    private final String description;

    SegmentRejection(String description) {
        this.description = description;
    }

    /** One sentence for logs and error messages, never built per packet. */
    public String description() {
        return description;
    }

    /** Label value for metrics: lower case with underscores. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isNone() {
        return this == NONE;
    }
}
