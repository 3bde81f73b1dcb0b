package io.trellis.vxlan.udp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.checksum.InternetChecksum;

/** Writes UDP headers (RFC 768) at an absolute offset, with or without a checksum. */
public final class UdpEncoder {
    private UdpEncoder() {
    }

    /**
     * Writes a header with checksum 0 ("none", RFC 768; what RFC 7348 §5 recommends for the outer
     * header of VXLAN over IPv4). Returns 8.
     *
     * @throws IllegalArgumentException if {@code 8 + payloadLength} exceeds 65535
     */
    public static int write(ByteBuf buf, int offset, int sourcePort, int destinationPort, int payloadLength) {
        int udpLength = UdpFlyweight.HEADER_LENGTH + payloadLength;
        if (payloadLength < 0 || udpLength > 0xFFFF) {
            throw new IllegalArgumentException("UDP payload length " + payloadLength
                    + " is out of range: the UDP length (payload + 8) must be at most 65535");
        }
        buf.setShort(offset + UdpFlyweight.SOURCE_PORT_OFFSET, sourcePort);
        buf.setShort(offset + UdpFlyweight.DESTINATION_PORT_OFFSET, destinationPort);
        buf.setShort(offset + UdpFlyweight.LENGTH_OFFSET, udpLength);
        buf.setShort(offset + UdpFlyweight.CHECKSUM_OFFSET, UdpFlyweight.NO_CHECKSUM);
        return UdpFlyweight.HEADER_LENGTH;
    }

    /**
     * Writes a header and its checksum over the pseudo-header and the payload, which must already be
     * in the buffer after the header. Returns 8.
     *
     * @param pseudoHeaderSum {@code InternetChecksum.pseudoHeaderSumIpv4/Ipv6(..., 17, 8 + payloadLength)}
     */
    public static int write(ByteBuf buf, int offset, int sourcePort, int destinationPort, int payloadLength,
                            int pseudoHeaderSum) {
        write(buf, offset, sourcePort, destinationPort, payloadLength);
        writeChecksum(buf, offset, pseudoHeaderSum);
        return UdpFlyweight.HEADER_LENGTH;
    }

    /**
     * (Re)computes the checksum of the datagram at {@code offset} ({@code udpLength} field bytes),
     * e.g. to fill one a kernel left partial. A computed 0 is stored as 0xFFFF (RFC 768).
     */
    public static void writeChecksum(ByteBuf buf, int offset, int pseudoHeaderSum) {
        buf.setShort(offset + UdpFlyweight.CHECKSUM_OFFSET, 0);
        int udpLength = buf.getUnsignedShort(offset + UdpFlyweight.LENGTH_OFFSET);
        int checksum = InternetChecksum.checksum(buf, offset, udpLength, pseudoHeaderSum);
        buf.setShort(offset + UdpFlyweight.CHECKSUM_OFFSET, checksum == 0 ? 0xFFFF : checksum);
    }
}
