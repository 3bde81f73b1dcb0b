package io.trellis.dataplane.secure;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

/**
 * The UDP header inside the ESP payload (docs/encryption.md §1): the plain VXLAN datagram is carried
 * whole, from its UDP header on, so Next Header is 17 and tools dissect it as VXLAN. Source port = a
 * hash of the inner flow (RFC 7348 §5), destination 4789, checksum 0 (RFC 7348 §5 allows it over
 * IPv4; here the ICV already covers every octet).
 */
final class InnerUdp {
    static final int LENGTH = 8;
    /** RFC 6335 §6: the dynamic range, as Linux VXLAN picks source ports from by default. */
    private static final int EPHEMERAL_BASE = 49_152;
    private static final int EPHEMERAL_MASK = 0x3FFF;
    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;

    private InnerUdp() {
    }

    /** Writes the header for a VXLAN datagram of {@code vxlanLength} octets at {@code offset}. */
    static void write(ByteBuf buf, int offset, int sourcePort, int vxlanLength) {
        buf.setShort(offset, sourcePort);
        buf.setShort(offset + 2, VxlanFlyweight.UDP_PORT);
        buf.setShort(offset + 4, LENGTH + vxlanLength);
        buf.setShort(offset + 6, 0);
    }

    /**
     * A source port from the VNI, both MACs and, for IPv4, addresses, protocol and the first four
     * octets of the transport header (the ports of TCP and UDP). Every datagram of one TSO run shares
     * them, so one hash per run. Reads only what {@code length} covers.
     */
    static int sourcePort(ByteBuf buf, int vxlanOffset, int length) {
        int h = buf.getInt(vxlanOffset + VxlanFlyweight.VNI_OFFSET);
        int frame = vxlanOffset + VxlanFlyweight.HEADER_LENGTH;
        int frameLength = length - VxlanFlyweight.HEADER_LENGTH;
        if (frameLength >= ETHERNET_HEADER) {
            h = mix(h, buf.getInt(frame));
            h = mix(h, buf.getInt(frame + 4));
            h = mix(h, buf.getInt(frame + 8));
            if (buf.getUnsignedShort(frame + 12) == ETHERTYPE_IPV4 && frameLength >= ETHERNET_HEADER + 20) {
                int ip = frame + ETHERNET_HEADER;
                int headerLength = (buf.getByte(ip) & 0x0F) * 4;
                h = mix(h, buf.getByte(ip + 9));
                h = mix(h, buf.getInt(ip + 12));
                h = mix(h, buf.getInt(ip + 16));
                if (headerLength >= 20 && frameLength >= ETHERNET_HEADER + headerLength + 4) {
                    h = mix(h, buf.getInt(ip + headerLength));
                }
            }
        }
        return EPHEMERAL_BASE + ((h ^ h >>> 16) & EPHEMERAL_MASK);
    }

    /** The multiply-rotate step of MurmurHash3's 32-bit body. */
    private static int mix(int h, int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
        return Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }

    /**
     * True if a decrypted payload of {@code length} octets at {@code offset} is a UDP datagram to
     * the VXLAN port whose length field matches and that holds at least a VXLAN header.
     */
    static boolean valid(ByteBuf buf, int offset, int length) {
        return length >= LENGTH + VxlanFlyweight.HEADER_LENGTH
                && buf.getUnsignedShort(offset + 2) == VxlanFlyweight.UDP_PORT
                && buf.getUnsignedShort(offset + 4) == length;
    }
}
