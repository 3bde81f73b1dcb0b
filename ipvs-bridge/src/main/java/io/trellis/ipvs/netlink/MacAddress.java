package io.trellis.ipvs.netlink;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 48-bit Ethernet address (IEEE 802), written {@code 02:42:ac:11:00:02}. Immutable. This is the
 * one place a MAC's text form is parsed and printed: the data plane's hot paths hold MACs as
 * {@code long}s (vxlan's {@code MacBits}: no allocation per frame) and convert with
 * {@link #of(long)} and {@link #toLong()} where a MAC meets the kernel, a log or a user. It lives in
 * this module because vxlan and ipvs-bridge depend on no Trellis module and everything that
 * handles MACs as values (netlink, the data plane above both) already depends on this one.
 */
public final class MacAddress {

    /** The all-zero address: in a VXLAN FDB, the default entry that floods to remote VTEPs. */
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");
    private static final String FORM = "six colon-separated hex octets, such as 02:42:ac:11:00:02";

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Parses six colon-separated two-digit hex octets in either case, such as {@code 02:42:AC:11:00:02};
     * any other separator, length or digit is refused with one message naming the form.
     */
    public static MacAddress parse(String text) {
        // \p{XDigit} is ASCII only here (no UNICODE_CHARACTER_CLASS): other scripts' digits are refused.
        if (text == null || !text.matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) {
            throw new IllegalArgumentException("MAC address '" + text + "' must be " + FORM);
        }
        return new MacAddress(COLONS.parseHex(text));
    }

    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("MAC address has " + bytes.length + " bytes, but must have 6");
        }
        return new MacAddress(bytes.clone());
    }

    /** The address in the low 48 bits of {@code mac} (first octet in bits 47–40); higher bits are ignored. */
    public static MacAddress of(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (40 - 8 * i));
        }
        return new MacAddress(b);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The address in the low 48 bits, first octet in bits 47–40: the data plane's form. */
    public long toLong() {
        long mac = 0;
        for (byte b : bytes) {
            mac = mac << 8 | (b & 0xFF);
        }
        return mac;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MacAddress mac && Arrays.equals(bytes, mac.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Lower-case, colon-separated, as iproute2 prints it. */
    @Override
    public String toString() {
        return COLONS.formatHex(bytes);
    }
}
