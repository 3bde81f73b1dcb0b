package io.trellis.vxlan.icmp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;

/**
 * Writes ICMPv6 messages (RFC 4443) at an absolute offset. The checksum covers the IPv6
 * pseudo-header (RFC 4443 §2.3), so every method takes its sum: compute it with
 * {@code InternetChecksum.pseudoHeaderSumIpv6(..., 58, messageLength)} for the IPv6 header the
 * message will travel in.
 */
public final class Icmpv6Encoder {
    /** RFC 4443 §2.4(c): an error message must not make the packet exceed the minimum IPv6 MTU, 1280. */
    public static final int MAX_QUOTE_LENGTH = Ipv6Flyweight.MIN_MTU - Ipv6Flyweight.HEADER_LENGTH - Icmpv6Flyweight.HEADER_LENGTH;

    private Icmpv6Encoder() {
    }

    /** Echo request (RFC 4443 §4.1); the payload must be in place after the header. Returns {@code 8 + payloadLength}. */
    public static int writeEchoRequest(ByteBuf buf, int offset, int identifier, int sequenceNumber, int payloadLength,
                                       int pseudoHeaderSum) {
        return writeEcho(buf, offset, Icmpv6Flyweight.TYPE_ECHO_REQUEST, identifier, sequenceNumber, payloadLength, pseudoHeaderSum);
    }

    /** Echo reply (RFC 4443 §4.2). Returns {@code 8 + payloadLength}. */
    public static int writeEchoReply(ByteBuf buf, int offset, int identifier, int sequenceNumber, int payloadLength,
                                     int pseudoHeaderSum) {
        return writeEcho(buf, offset, Icmpv6Flyweight.TYPE_ECHO_REPLY, identifier, sequenceNumber, payloadLength, pseudoHeaderSum);
    }

    /** Bytes of an {@code originalLength}-byte packet that a "packet too big" message quotes (RFC 4443 §3.2: as much as fits in 1280). */
    public static int quoteLength(int originalLength) {
        return Math.min(originalLength, MAX_QUOTE_LENGTH);
    }

    /** Length of the "packet too big" message for an {@code originalLength}-byte packet: what the pseudo-header must say. */
    public static int packetTooBigLength(int originalLength) {
        return Icmpv6Flyweight.HEADER_LENGTH + quoteLength(originalLength);
    }

    /**
     * "Packet too big" (type 2, code 0, RFC 4443 §3.2) with the next-hop MTU, quoting as much of the
     * original IPv6 packet as fits in 1280 bytes. The quote is copied from {@code original}, which
     * must not overlap the message. Returns {@link #packetTooBigLength(int)}.
     *
     * @param pseudoHeaderSum pseudo-header sum with upper-layer length {@code packetTooBigLength(originalLength)}
     */
    public static int writePacketTooBig(ByteBuf buf, int offset, long mtu, ByteBuf original, int originalOffset,
                                        int originalLength, int pseudoHeaderSum) {
        if (mtu < 0 || mtu > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("MTU " + mtu + " is out of range: RFC 4443 gives it 32 bits");
        }
        int quote = quoteLength(originalLength);
        buf.setByte(offset + Icmpv6Flyweight.TYPE_OFFSET, Icmpv6Flyweight.TYPE_PACKET_TOO_BIG);
        buf.setByte(offset + Icmpv6Flyweight.CODE_OFFSET, 0);
        buf.setShort(offset + Icmpv6Flyweight.CHECKSUM_OFFSET, 0);
        buf.setInt(offset + Icmpv6Flyweight.MTU_OFFSET, (int) mtu);
        buf.setBytes(offset + Icmpv6Flyweight.BODY_OFFSET, original, originalOffset, quote);
        int length = Icmpv6Flyweight.HEADER_LENGTH + quote;
        buf.setShort(offset + Icmpv6Flyweight.CHECKSUM_OFFSET, InternetChecksum.checksum(buf, offset, length, pseudoHeaderSum));
        return length;
    }

    private static int writeEcho(ByteBuf buf, int offset, int type, int identifier, int sequenceNumber, int payloadLength,
                                 int pseudoHeaderSum) {
        buf.setByte(offset + Icmpv6Flyweight.TYPE_OFFSET, type);
        buf.setByte(offset + Icmpv6Flyweight.CODE_OFFSET, 0);
        buf.setShort(offset + Icmpv6Flyweight.CHECKSUM_OFFSET, 0);
        buf.setShort(offset + Icmpv6Flyweight.IDENTIFIER_OFFSET, identifier);
        buf.setShort(offset + Icmpv6Flyweight.SEQUENCE_NUMBER_OFFSET, sequenceNumber);
        int length = Icmpv6Flyweight.HEADER_LENGTH + payloadLength;
        buf.setShort(offset + Icmpv6Flyweight.CHECKSUM_OFFSET, InternetChecksum.checksum(buf, offset, length, pseudoHeaderSum));
        return length;
    }
}
