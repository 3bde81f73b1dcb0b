package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.icmp.IcmpEncoder;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.udp.UdpEncoder;
import java.nio.ByteBuffer;

/**
 * TCP, UDP and ICMP echo frames for the VIP tests, with {@link VirtualSwitch#HEADROOM} bytes free in
 * front (as {@link Frames}), and readers of what the switch wrote. No IP options: the transport
 * header is at 34.
 */
final class VipFrames {
    static final int OFFSET = Frames.OFFSET;
    static final int IP = 14;
    static final int L4 = 34;

    private VipFrames() {
    }

    static ByteBuf tcp(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort, long seq, long ack,
                       int flags, int payload) {
        int tcpLength = 20 + payload;
        ByteBuf b = direct(OFFSET + L4 + tcpLength);
        EthernetEncoder.write(b, OFFSET, dstMac, srcMac, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(b, OFFSET + IP, srcIp, dstIp, IpProtocol.TCP_NUMBER, tcpLength, 64, 7, 0, true);
        TcpEncoder.write(b, OFFSET + L4, srcPort, dstPort, seq, ack, flags, 500);
        for (int i = 0; i < payload; i++) {
            b.setByte(OFFSET + L4 + 20 + i, i * 7);
        }
        TcpEncoder.writeChecksum(b, OFFSET + L4, tcpLength,
                InternetChecksum.pseudoHeaderSumIpv4(srcIp, dstIp, IpProtocol.TCP_NUMBER, tcpLength));
        return b;
    }

    static ByteBuf udp(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort, int payload,
                       boolean checksum) {
        int udpLength = 8 + payload;
        ByteBuf b = direct(OFFSET + L4 + udpLength);
        EthernetEncoder.write(b, OFFSET, dstMac, srcMac, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(b, OFFSET + IP, srcIp, dstIp, IpProtocol.UDP_NUMBER, udpLength, 64, 8, 0, false);
        for (int i = 0; i < payload; i++) {
            b.setByte(OFFSET + L4 + 8 + i, i * 3 + 1);
        }
        if (checksum) {
            UdpEncoder.write(b, OFFSET + L4, srcPort, dstPort, payload,
                    InternetChecksum.pseudoHeaderSumIpv4(srcIp, dstIp, IpProtocol.UDP_NUMBER, udpLength));
        } else {
            UdpEncoder.write(b, OFFSET + L4, srcPort, dstPort, payload);
        }
        return b;
    }

    /** Echo request (type 8) or reply (type 0). */
    static ByteBuf echo(long dstMac, long srcMac, int srcIp, int dstIp, int type, int identifier, int sequence) {
        int icmpLength = 8 + 16;
        ByteBuf b = direct(OFFSET + L4 + icmpLength);
        EthernetEncoder.write(b, OFFSET, dstMac, srcMac, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(b, OFFSET + IP, srcIp, dstIp, IpProtocol.ICMP_NUMBER, icmpLength, 64, 9);
        for (int i = 0; i < 16; i++) {
            b.setByte(OFFSET + L4 + 8 + i, i);
        }
        if (type == 8) {
            IcmpEncoder.writeEchoRequest(b, OFFSET + L4, identifier, sequence, 16);
        } else {
            IcmpEncoder.writeEchoReply(b, OFFSET + L4, identifier, sequence, 16);
        }
        return b;
    }

    /** Outside any allocator: the paranoid leak detector would swamp the allocation measurement. */
    static ByteBuf direct(int length) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(length));
        b.writerIndex(length);
        return b;
    }

    static ByteBuf copy(byte[] frame, int headroom) {
        ByteBuf b = direct(headroom + frame.length);
        b.setBytes(headroom, frame);
        return b;
    }

    // Readers over a frame as a device received it (Ethernet at 0).

    static long dstMac(byte[] f) {
        return wrap(f).getLong(0) >>> 16;
    }

    static long srcMac(byte[] f) {
        return wrap(f).getLong(6) >>> 16;
    }

    static int srcIp(byte[] f) {
        return wrap(f).getInt(IP + 12);
    }

    static int dstIp(byte[] f) {
        return wrap(f).getInt(IP + 16);
    }

    static int protocol(byte[] f) {
        return f[IP + 9] & 0xFF;
    }

    static int srcPort(byte[] f) {
        return wrap(f).getUnsignedShort(L4);
    }

    static int dstPort(byte[] f) {
        return wrap(f).getUnsignedShort(L4 + 2);
    }

    static long seq(byte[] f) {
        return wrap(f).getUnsignedInt(L4 + 4);
    }

    static long ack(byte[] f) {
        return wrap(f).getUnsignedInt(L4 + 8);
    }

    static int tcpFlags(byte[] f) {
        return f[L4 + 13] & 0xFF;
    }

    static int ipLength(byte[] f) {
        return wrap(f).getUnsignedShort(IP + 2);
    }

    static boolean ipChecksumValid(byte[] f) {
        return InternetChecksum.verify(wrap(f), IP, 20);
    }

    /** TCP or UDP over the pseudo-header, ICMP over its message. */
    static boolean l4ChecksumValid(byte[] f) {
        ByteBuf b = wrap(f);
        int length = ipLength(f) - 20;
        int protocol = protocol(f);
        if (protocol == IpProtocol.ICMP_NUMBER) {
            return InternetChecksum.verify(b, L4, length);
        }
        return InternetChecksum.verify(b, L4, length,
                InternetChecksum.pseudoHeaderSumIpv4(srcIp(f), dstIp(f), protocol, length));
    }

    /** The field of a partial TCP/UDP checksum: the pseudo-header's folded sum. */
    static int partialSeed(byte[] f) {
        return InternetChecksum.pseudoHeaderSumIpv4(srcIp(f), dstIp(f), protocol(f), ipLength(f) - 20);
    }

    static int l4Checksum(byte[] f) {
        return wrap(f).getUnsignedShort(L4 + (protocol(f) == IpProtocol.TCP_NUMBER ? 16 : 6));
    }

    private static ByteBuf wrap(byte[] f) {
        return Unpooled.wrappedBuffer(f);
    }
}
