package io.trellis.vxlan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The packets under {@code src/test/resources/captures/}: kernel VXLAN (VNI 42, UDP 4789) between
 * two network namespaces over a veth pair, recorded on the veth by tcpdump (see make-captures.sh).
 * Underlay: A 192.0.2.1 (02:00:00:00:0a:01) and B 192.0.2.2 (02:00:00:00:0b:01); overlay: A
 * 198.51.100.1 / 2001:db8::1 (02:42:c6:33:64:01) and B 198.51.100.2 / 2001:db8::2 (02:42:c6:33:64:02).
 */
public final class Captures {
    public static final long UNDERLAY_MAC_A = 0x02_00_00_00_0a_01L;
    public static final long UNDERLAY_MAC_B = 0x02_00_00_00_0b_01L;
    public static final int UNDERLAY_IP_A = 0xC0_00_02_01;
    public static final int UNDERLAY_IP_B = 0xC0_00_02_02;
    public static final long OVERLAY_MAC_A = 0x02_42_c6_33_64_01L;
    public static final long OVERLAY_MAC_B = 0x02_42_c6_33_64_02L;
    public static final int OVERLAY_IP_A = 0xC6_33_64_01;
    public static final int OVERLAY_IP_B = 0xC6_33_64_02;
    public static final long DOC_PREFIX_HIGH = 0x2001_0db8_0000_0000L;
    public static final int VNI = 42;

    /** Captures with every checksum filled (veth with tx checksum offload off). */
    public static final List<String> COMPLETE = List.of("arp-request", "arp-reply", "icmp-echo-request",
            "icmp-echo-reply", "icmpv6-echo-request", "ipv6-hop-by-hop-mld", "tcp-syn", "tcp-syn-ack", "tcp-data");
    /** Captures with CHECKSUM_PARTIAL outer UDP and inner TCP checksums (veth default offloads). */
    public static final List<String> PARTIAL = List.of("tcp-syn-partial-checksum", "tcp-data-partial-checksum");

    private Captures() {
    }

    /** The bytes of {@code captures/NAME.hex}: whitespace-separated hex, '#' starts a comment line. */
    public static byte[] bytes(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/captures/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no capture named " + name);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    hex.append(line.replaceAll("\\s", ""));
                }
            }
            return java.util.HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A heap buffer wrapping a fresh copy of the capture (not leak-tracked; releasing it is optional). */
    public static ByteBuf buffer(String name) {
        return Unpooled.wrappedBuffer(bytes(name));
    }
}
