package io.trellis.dataplane.lb;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;

/**
 * The RST a VIP sends back when it cannot carry a segment: no backend, no connection, or the
 * connection's backend left. RFC 9293 §3.10.7.1 (a segment for a CLOSED connection): if it carried
 * an ACK, the reset takes its sequence number from that ACK; otherwise it has sequence 0 and
 * acknowledges everything the segment occupied, so the client's TCP accepts it either way.
 */
final class TcpReset {
    /** Ethernet + IPv4 + TCP, no options. */
    static final int LENGTH = EthernetFlyweight.HEADER_LENGTH + Ipv4Flyweight.MIN_HEADER_LENGTH
            + TcpFlyweight.MIN_HEADER_LENGTH;

    private TcpReset() {
    }

    /**
     * Writes at 0 in {@code out} the answer to {@code segment} (wrapped over the client's segment,
     * {@code payload} bytes of data), from {@code vip} to {@code client}. Returns its length.
     */
    static int write(ByteBuf out, TcpFlyweight segment, int payload, long clientMac, int client, int vip) {
        int flags;
        long seq;
        long ack;
        if (segment.hasFlags(TcpFlyweight.FLAG_ACK)) {
            flags = TcpFlyweight.FLAG_RST;
            seq = segment.acknowledgmentNumber();
            ack = 0;
        } else {
            flags = TcpFlyweight.FLAG_RST | TcpFlyweight.FLAG_ACK;
            seq = 0;
            int controls = (segment.hasFlags(TcpFlyweight.FLAG_SYN) ? 1 : 0) + (segment.hasFlags(TcpFlyweight.FLAG_FIN) ? 1 : 0);
            ack = segment.sequenceNumber() + payload + controls & 0xFFFF_FFFFL;
        }
        int ip = EthernetFlyweight.HEADER_LENGTH;
        int tcp = ip + Ipv4Flyweight.MIN_HEADER_LENGTH;
        EthernetEncoder.write(out, 0, clientMac, EndpointAddress.macOf(vip), EtherType.IPV4_VALUE);
        Ipv4Encoder.write(out, ip, vip, client, IpProtocol.TCP_NUMBER, TcpFlyweight.MIN_HEADER_LENGTH,
                Ipv4Encoder.DEFAULT_TTL, 0);
        TcpEncoder.write(out, tcp, segment.destinationPort(), segment.sourcePort(), seq, ack, flags, 0);
        TcpEncoder.writeChecksum(out, tcp, TcpFlyweight.MIN_HEADER_LENGTH,
                InternetChecksum.pseudoHeaderSumIpv4(vip, client, IpProtocol.TCP_NUMBER, TcpFlyweight.MIN_HEADER_LENGTH));
        return LENGTH;
    }
}
