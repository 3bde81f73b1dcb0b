package io.trellis.vxlan.tcp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * Writes TCP headers at an absolute offset and fills TCP checksums. The checksum is a separate
 * step because options and payload follow the fixed header and must be in place first — and
 * because filling the checksum of a segment a kernel peer left CHECKSUM_PARTIAL is a job of its
 * own (docs/architecture.md, "The checksum trap").
 */
public final class TcpEncoder {
    private TcpEncoder() {
    }

    /**
     * Writes a 20-byte header (data offset 5, no options, urgent pointer 0) with checksum 0; returns
     * 20. Call {@link #writeChecksum} once the payload is in place.
     */
    public static int write(ByteBuf buf, int offset, int sourcePort, int destinationPort, long sequenceNumber,
                            long acknowledgmentNumber, int flags, int window) {
        buf.setShort(offset + TcpFlyweight.SOURCE_PORT_OFFSET, sourcePort);
        buf.setShort(offset + TcpFlyweight.DESTINATION_PORT_OFFSET, destinationPort);
        buf.setInt(offset + TcpFlyweight.SEQUENCE_NUMBER_OFFSET, (int) sequenceNumber);
        buf.setInt(offset + TcpFlyweight.ACKNOWLEDGMENT_NUMBER_OFFSET, (int) acknowledgmentNumber);
        buf.setShort(offset + TcpFlyweight.DATA_OFFSET_OFFSET, 5 << 12 | (flags & 0x1FF));
        buf.setShort(offset + TcpFlyweight.WINDOW_OFFSET, window);
        buf.setShort(offset + TcpFlyweight.CHECKSUM_OFFSET, 0);
        buf.setShort(offset + TcpFlyweight.URGENT_POINTER_OFFSET, 0);
        return TcpFlyweight.MIN_HEADER_LENGTH;
    }

    /**
     * (Re)computes the checksum of the {@code segmentLength}-byte segment at {@code offset}.
     *
     * @param pseudoHeaderSum {@code InternetChecksum.pseudoHeaderSumIpv4/Ipv6(..., 6, segmentLength)}
     */
    public static void writeChecksum(ByteBuf buf, int offset, int segmentLength, int pseudoHeaderSum) {
        buf.setShort(offset + TcpFlyweight.CHECKSUM_OFFSET, 0);
        buf.setShort(offset + TcpFlyweight.CHECKSUM_OFFSET,
                InternetChecksum.checksum(buf, offset, segmentLength, pseudoHeaderSum));
    }
}
