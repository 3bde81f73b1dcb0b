package io.trellis.dataplane.secure;

import io.trellis.ipsec.esp.EspFlyweight;

/**
 * How much an encrypted overlay's MTU shrinks (docs/encryption.md §1 "Overhead and MTU"): the ESP
 * packet carries the RFC 3948 UDP header, ESP header, IV, padding to 4 octets, trailer and ICV on top
 * of the plain VXLAN datagram, so 42–45 octets more than plain VXLAN.
 */
public final class EspMtu {
    /** Outer IPv4 (20) and UDP (8) headers of a plain VXLAN packet, both added by the kernel. */
    private static final int OUTER_IPV4_UDP = 28;
    /** Inner UDP (8), VXLAN (8) and Ethernet (14) headers: what rides inside the ESP payload besides the IP packet. */
    private static final int INNER_HEADERS = 8 + 8 + 14;
    /** Plain VXLAN on IPv4: outer IPv4, UDP, VXLAN and inner Ethernet (RFC 7348 §5: 50 octets). */
    private static final int PLAIN_OVERHEAD = OUTER_IPV4_UDP + 8 + 14;

    private EspMtu() {
    }

    /**
     * The overlay MTU of an encrypted network whose plain VXLAN MTU is {@code plainMtu} on an IPv4
     * underlay: the same underlay packet size, less the ESP overhead and its padding. 1450 → 1408.
     */
    public static int encryptedMtu(int plainMtu) {
        int underlayMtu = plainMtu + PLAIN_OVERHEAD;
        return EspFlyweight.maxPayloadLength(underlayMtu - OUTER_IPV4_UDP) - INNER_HEADERS;
    }
}
