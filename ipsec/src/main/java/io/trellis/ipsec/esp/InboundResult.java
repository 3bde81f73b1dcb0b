package io.trellis.ipsec.esp;

/**
 * What {@link EspInbound} did with a packet. Every value but {@link #OK} is a drop, counted by
 * {@link EspCounters} and exported as {@code trellis_esp_drops_total{reason="<label>"}}. Returned,
 * never thrown, so arbitrary bytes cost no exception on the checks before the cipher.
 */
public enum InboundResult {
    /** Authentic, fresh and well-formed: the payload is decrypted in place. */
    OK("ok", "the packet is authentic, fresh and well-formed"),
    /** Shorter than header, IV, trailer and ICV (RFC 4303 §2). */
    TRUNCATED("truncated", "the packet is shorter than the ESP header, IV, trailer and ICV (34 bytes)"),
    /** No inbound SA has this SPI (RFC 4303 §3.4.2): unknown peer, retired key, or a corrupted SPI. */
    BAD_SPI("bad_spi", "no security association has this SPI"),
    /** The sequence number was already received (RFC 4303 §3.4.3). */
    REPLAYED("replayed", "the sequence number was already received"),
    /** The sequence number is left of the anti-replay window (RFC 4303 §3.4.3). */
    TOO_OLD("too_old", "the sequence number is older than the anti-replay window"),
    /** The ICV does not verify (RFC 4303 §3.4.4): wrong key, or a changed SPI, sequence number, IV, ciphertext or ICV. */
    AUTH_FAILED("auth_failed", "the integrity check value does not verify: a wrong key or a changed packet"),
    /** Authentic, but the Pad Length runs past the payload or the padding is not 1, 2, 3, … (RFC 4303 §2.4). */
    MALFORMED_TRAILER("malformed_trailer", "the pad length runs past the payload or the padding bytes are not 1, 2, 3, ...");

    private final String label;
    private final String description;

    InboundResult(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The {@code reason} label value of the drop counter. */
    public String label() {
        return label;
    }

    /** One sentence for logs and error messages (never built per packet). */
    public String description() {
        return description;
    }
}
