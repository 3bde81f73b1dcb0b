package io.trellis.vxlan;

/**
 * Why a packet (or one of its headers) was rejected. Validation returns one of these constants
 * instead of throwing, so the hot path allocates nothing and every drop can be counted by reason.
 */
public enum Malformed {
    /** Well-formed as far as it was decoded. */
    NONE("well-formed"),
    /** Fewer bytes than the header, or one of its length fields, requires. */
    TRUNCATED("the packet is shorter than its header or length field says"),
    /** The IP version nibble is not the one expected (4 or 6). */
    BAD_VERSION("the IP version field is not 4 (IPv4) or 6 (IPv6)"),
    /** A header-length field (IPv4 IHL, TCP data offset) is below its minimum of 5 words. */
    BAD_HEADER_LENGTH("the header length field (IPv4 IHL, TCP data offset) is below 5"),
    /** A total-length field is smaller than the header it must contain (IPv4 total length, UDP length). */
    BAD_LENGTH("the length field (IPv4 total length, UDP length) is smaller than its own header"),
    /** An option list (IPv4, TCP) runs past the header or has an option length below 2. */
    BAD_OPTIONS("an option's length is below 2 or runs past the header"),
    /** The Internet checksum does not verify (RFC 1071). Also what a CHECKSUM_PARTIAL packet looks like. */
    BAD_CHECKSUM("the checksum does not match the data"),
    /** A flag that must be set is clear: the VXLAN I flag (RFC 7348 §5). */
    BAD_FLAGS("the VXLAN I flag is not set"),
    /** Well-formed bytes this codec does not decode: ARP not for IPv4 over Ethernet, non-VXLAN or fragmented underlay. */
    UNSUPPORTED("the packet is of a kind this decoder does not handle");

    private final String description;

    Malformed(String description) {
        this.description = description;
    }

    /** One sentence naming what is wrong, for logs and error messages (never built per packet). */
    public String description() {
        return description;
    }

    /** True for {@link #NONE}. */
    public boolean isNone() {
        return this == NONE;
    }
}
