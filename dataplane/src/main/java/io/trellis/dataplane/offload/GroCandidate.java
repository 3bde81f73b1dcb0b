package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;

/**
 * The frame {@link TcpCoalescer} is looking at, parsed once (wireguard-go
 * {@code packetIsGROCandidate}): whether it belongs to a TCP flow at all, its flow key, header
 * offsets and TCP fields, and whether it may be merged. Offsets count from the frame's start.
 */
final class GroCandidate {
    /** Not TCP, or not parseable as such: ARP, UDP, ICMP, IPv4 fragments, VLAN-tagged, garbage. */
    static final int NOT_FLOW = 0;
    /** A TCP frame that is never merged, but must not overtake its flow's pending merge. */
    static final int CONTROL = 1;
    /** A TCP data segment that may start or continue a merge. */
    static final int SEGMENT = 2;

    /** tcp_gro_receive flushes on these; CWR would also need gso_type ECN on the merged frame. */
    private static final int NEVER_MERGED = TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_RST
            | TcpFlyweight.FLAG_URG | TcpFlyweight.FLAG_CWR;

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ip4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ip6 = new Ipv6Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();

    boolean v6;
    long sourceHigh;
    long sourceLow;
    long destinationHigh;
    long destinationLow;
    int ports;
    int l3;
    int l4;
    int tcpHeaderLength;
    /** Where the IP packet ends; bytes after it are Ethernet padding. */
    int ipEnd;
    int payload;
    int flags;
    long sequence;
    int ipId;
    boolean dontFragment;
    int pseudoSum;
    /** The TCP checksum field holds the pseudo-header seed ({@link PartialChecksum}'s rule). */
    boolean partialSum;

    /** Parses the frame; returns {@link #NOT_FLOW}, {@link #CONTROL} or {@link #SEGMENT}. Never throws. */
    int classify(ByteBuf buf, int offset, int length) {
        if (!eth.wrap(buf, offset, length).check().isNone() || eth.hasVlanTag()) {
            return NOT_FLOW;
        }
        l3 = EthernetFlyweight.HEADER_LENGTH;
        int ipHeaderLength;
        if (eth.etherType() == EtherType.IPV4_VALUE) {
            Ipv4Flyweight ip = ip4.wrap(buf, offset + l3, length - l3);
            if (!ip.check().isNone() || ip.isFragment() || ip.protocol() != IpProtocol.TCP_NUMBER) {
                return NOT_FLOW;
            }
            v6 = false;
            sourceHigh = 0;
            sourceLow = ip.source() & 0xFFFF_FFFFL;
            destinationHigh = 0;
            destinationLow = ip.destination() & 0xFFFF_FFFFL;
            ipHeaderLength = ip.headerLength();
            ipEnd = l3 + ip.totalLength();
            ipId = ip.identification();
            dontFragment = ip.dontFragment();
        } else if (eth.etherType() == EtherType.IPV6_VALUE) {
            Ipv6Flyweight ip = ip6.wrap(buf, offset + l3, length - l3);
            if (!ip.check().isNone() || ip.nextHeader() != IpProtocol.TCP_NUMBER) {
                return NOT_FLOW;
            }
            v6 = true;
            sourceHigh = ip.sourceHigh();
            sourceLow = ip.sourceLow();
            destinationHigh = ip.destinationHigh();
            destinationLow = ip.destinationLow();
            ipHeaderLength = Ipv6Flyweight.HEADER_LENGTH;
            ipEnd = l3 + ipHeaderLength + ip.payloadLength();
        } else {
            return NOT_FLOW;
        }
        l4 = l3 + ipHeaderLength;
        if (!tcp.wrap(buf, offset + l4, ipEnd - l4).check().isNone()) {
            return NOT_FLOW;
        }
        ports = buf.getInt(offset + l4);
        tcpHeaderLength = tcp.headerLength();
        payload = ipEnd - l4 - tcpHeaderLength;
        flags = tcp.flags();
        sequence = tcp.sequenceNumber();
        // IPv4 options are not merged (Linux inet_gro_receive wants 0x45), nor empty segments.
        if (!v6 && ipHeaderLength != Ipv4Flyweight.MIN_HEADER_LENGTH || (flags & NEVER_MERGED) != 0
                || (flags & TcpFlyweight.FLAG_ACK) == 0 || payload == 0) {
            return CONTROL;
        }
        pseudoSum = v6 ? InternetChecksum.pseudoHeaderSumIpv6(buf, offset + l3, IpProtocol.TCP_NUMBER, ipEnd - l4)
                : InternetChecksum.pseudoHeaderSumIpv4(buf, offset + l3, IpProtocol.TCP_NUMBER, ipEnd - l4);
        partialSum = tcp.checksum() == pseudoSum;
        return SEGMENT;
    }

    /** Partial, or verifies: one pass over the segment unless partial. Call after {@link #SEGMENT}. */
    boolean checksumAcceptable(ByteBuf buf, int offset) {
        return partialSum || InternetChecksum.verify(buf, offset + l4, ipEnd - l4, pseudoSum);
    }

    boolean push() {
        return (flags & TcpFlyweight.FLAG_PSH) != 0;
    }
}
