package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;

/**
 * Recognises frames whose TCP/UDP checksum was left for the hardware to fill (the kernel's
 * CHECKSUM_PARTIAL): the field then holds only the folded pseudo-header sum. A kernel VXLAN peer
 * sends such frames over a veth with its default offloads (docs/architecture.md, "The checksum trap").
 * Writing them to a TAP with a virtio-net header marked {@code NEEDS_CSUM} lets the kernel finish
 * the checksum, or accept it for local delivery, instead of dropping the packet. O(1): no pass over
 * the payload. {@link #complete} does the opposite job for frames a TAP hands over partial.
 */
public final class PartialChecksum {
    /** RFC 793 / RFC 768: where the checksum sits inside the TCP and UDP headers. */
    public static final int TCP_CHECKSUM_OFFSET = 16;
    public static final int UDP_CHECKSUM_OFFSET = 6;

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Ipv6Flyweight ip6 = new Ipv6Flyweight();
    private int csumStart;
    private int csumOffset;

    /**
     * True when the frame's TCP/UDP checksum, over IPv4 or over IPv6 without extension headers, is
     * a partial one; then {@link #csumStart()} (from the frame's start) and {@link #csumOffset()}
     * say where the kernel must finish it.
     */
    public boolean isPartial(ByteBuf buf, int offset, int length) {
        if (!eth.wrap(buf, offset, length).check().isNone()) {
            return false;
        }
        int protocol;
        int l4;
        int l4Length;
        int seed;
        if (eth.etherType() == EtherType.IPV4_VALUE) {
            Ipv4Flyweight v4 = ip.wrap(buf, eth.payloadOffset(), eth.payloadLength());
            if (!v4.check().isNone() || v4.isFragment()) {
                return false;
            }
            protocol = v4.protocol();
            l4 = v4.payloadOffset();
            l4Length = v4.payloadLength();
            seed = InternetChecksum.pseudoHeaderSumIpv4(v4.source(), v4.destination(), protocol, l4Length);
        } else if (eth.etherType() == EtherType.IPV6_VALUE) {
            Ipv6Flyweight v6 = ip6.wrap(buf, eth.payloadOffset(), eth.payloadLength());
            if (!v6.check().isNone()) {
                return false;
            }
            protocol = v6.nextHeader();
            l4 = v6.payloadOffset();
            l4Length = v6.payloadLength();
            seed = InternetChecksum.pseudoHeaderSumIpv6(buf, v6.offset(), protocol, l4Length);
        } else {
            return false;
        }
        int field = protocol == IpProtocol.TCP_NUMBER ? TCP_CHECKSUM_OFFSET
                : protocol == IpProtocol.UDP_NUMBER ? UDP_CHECKSUM_OFFSET : -1;
        if (field < 0 || field + 2 > l4Length || l4 + field + 2 > offset + length) {
            return false;
        }
        if (buf.getUnsignedShort(l4 + field) == seed) {
            csumStart = l4 - offset;
            csumOffset = field;
            return true;
        }
        return false;
    }

    public int csumStart() {
        return csumStart;
    }

    public int csumOffset() {
        return csumOffset;
    }

    /**
     * Finishes a checksum the sender left partial (virtio NEEDS_CSUM): the ones'-complement sum of
     * the frame from {@code csumStart} to its end — the field's seed included, which is how the
     * pseudo-header gets in — is stored, complemented, at {@code csumStart + csumOffset}. A result
     * of 0 is stored as 0xFFFF, as the kernel's {@code skb_checksum_help()} does (CSUM_MANGLED_0;
     * RFC 768 reserves 0 for "no UDP checksum", and for TCP both encodings of zero verify).
     *
     * @return false, changing nothing, if the field does not lie inside the {@code length}-byte frame
     */
    public static boolean complete(ByteBuf buf, int offset, int length, int csumStart, int csumOffset) {
        if (csumStart < 0 || csumOffset < 0 || (long) csumStart + csumOffset + 2 > length) {
            return false;
        }
        int start = offset + csumStart;
        int checksum = InternetChecksum.checksum(buf, start, length - csumStart);
        buf.setShort(start + csumOffset, checksum == 0 ? 0xFFFF : checksum);
        return true;
    }
}
