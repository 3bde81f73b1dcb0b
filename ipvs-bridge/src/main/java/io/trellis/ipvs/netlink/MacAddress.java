package io.trellis.ipvs.netlink;

import java.util.Arrays;
import java.util.HexFormat;

/** A 48-bit Ethernet address (IEEE 802), written {@code 02:42:ac:11:00:02}. Immutable. */
public final class MacAddress {

    /** The all-zero address: in a VXLAN FDB, the default entry that floods to remote VTEPs. */
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Parses six colon-separated hex octets, such as {@code 02:42:ac:11:00:02}. */
    public static MacAddress parse(String text) {
        if (!text.matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) {
            throw new IllegalArgumentException("MAC address '" + text
                    + "' must be six colon-separated hex octets, such as 02:42:ac:11:00:02");
        }
        return new MacAddress(COLONS.parseHex(text));
    }

    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("MAC address has " + bytes.length + " bytes, but must have 6");
        }
        return new MacAddress(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
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
