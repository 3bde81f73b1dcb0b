package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;

/**
 * Recognises frames whose TCP/UDP checksum was left for the hardware to fill (the kernel's
 * CHECKSUM_PARTIAL): the field then holds only the folded pseudo-header sum. A kernel VXLAN peer
 * sends such frames over a veth with its default offloads (DATAPLANE-NOTES "interop trap").
 * Writing them to a TAP with a virtio-net header marked {@code NEEDS_CSUM} lets the kernel finish
 * the checksum, or accept it for local delivery, instead of dropping the packet. O(1): no pass over
 * the payload.
 */
public final class PartialChecksum {
    /** RFC 793 / RFC 768: where the checksum sits inside the TCP and UDP headers. */
    public static final int TCP_CHECKSUM_OFFSET = 16;
    public static final int UDP_CHECKSUM_OFFSET = 6;

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private int csumStart;
    private int csumOffset;

    /**
     * True when the frame's IPv4 TCP/UDP checksum is a partial one; then {@link #csumStart()} (from
     * the frame's start) and {@link #csumOffset()} say where the kernel must finish it.
     */
    public boolean isPartial(ByteBuf buf, int offset, int length) {
        if (eth.wrap(buf, offset, length).check().isNone() && eth.etherType() == EtherType.IPV4_VALUE) {
            Ipv4Flyweight v4 = ip.wrap(buf, eth.payloadOffset(), eth.payloadLength());
            if (!v4.check().isNone() || v4.isFragment()) {
                return false;
            }
            int protocol = v4.protocol();
            int field = protocol == IpProtocol.TCP_NUMBER ? TCP_CHECKSUM_OFFSET
                    : protocol == IpProtocol.UDP_NUMBER ? UDP_CHECKSUM_OFFSET : -1;
            int l4 = eth.payloadOffset() + v4.headerLength();
            int l4Length = v4.totalLength() - v4.headerLength();
            if (field < 0 || l4 + field + 2 > offset + length) {
                return false;
            }
            int seed = InternetChecksum.pseudoHeaderSumIpv4(v4.source(), v4.destination(), protocol, l4Length);
            if ((buf.getUnsignedShort(l4 + field)) == seed) {
                csumStart = l4 - offset;
                csumOffset = field;
                return true;
            }
        }
        return false;
    }

    public int csumStart() {
        return csumStart;
    }

    public int csumOffset() {
        return csumOffset;
    }
}
