package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.arp.ArpEncoder;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Encoder;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/** Builds Ethernet + IPv4/IPv6 + TCP frames for the offload tests, and the buffers to hold them. */
final class TcpFrames {
    static final long MAC_A = 0x02_00_00_00_00_0AL;
    static final long MAC_B = 0x02_00_00_00_00_0BL;
    static final int IP_A = 0x0A_00_00_01;
    static final int IP_B = 0x0A_00_00_02;
    static final long V6_PREFIX = 0xFD00_0000_0000_0042L;
    /** NOP, NOP, Timestamps (kind 8, length 10): what Linux puts on every data segment. */
    static final int TIMESTAMP_OPTIONS_LENGTH = 12;

    /** How the TCP checksum field is filled. */
    enum Checksum { COMPLETE, PARTIAL, ZERO }

    private TcpFrames() {
    }

    /**
     * A direct buffer outside any allocator: the paranoid leak detector the tests run with records
     * a stack trace on every access of allocator buffers, which would swamp allocation measurements.
     */
    static ByteBuf direct(int capacity) {
        return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity));
    }

    static ByteBuf direct(byte[] bytes) {
        ByteBuf b = direct(bytes.length);
        b.setBytes(0, bytes);
        return b;
    }

    static byte[] bytes(ByteBuf buf, int offset, int length) {
        byte[] copy = new byte[length];
        buf.getBytes(offset, copy);
        return copy;
    }

    static byte[] randomPayload(long seed, int length) {
        byte[] payload = new byte[length];
        new Random(seed).nextBytes(payload);
        return payload;
    }

    /** A virtio-net header over a fresh 12-byte buffer. */
    static VirtioNetHeader vnet() {
        return new VirtioNetHeader().wrap(ByteBuffer.allocate(VirtioNetHeader.LENGTH).order(ByteOrder.LITTLE_ENDIAN), 0);
    }

    /** The header a TAP with TSO puts before {@code segment}'s frame. */
    static VirtioNetHeader tsoHeader(Segment segment, int gsoSize) {
        return vnet().flags(VirtioNetHeader.F_NEEDS_CSUM)
                .gsoType(segment.v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4)
                .hdrLen(segment.headersLength()).gsoSize(gsoSize)
                .csumStart(segment.l4()).csumOffset(TcpFlyweight.CHECKSUM_OFFSET);
    }

    /** A mutable description of one TCP segment; {@link #build()} turns it into frame bytes. */
    static final class Segment {
        boolean v6;
        long srcMac = MAC_A;
        long dstMac = MAC_B;
        /** IPv4 addresses; over IPv6 the low 32 bits of the address, behind {@link #srcPrefix}/{@link #dstPrefix}. */
        int srcIp = IP_A;
        int dstIp = IP_B;
        long srcPrefix = V6_PREFIX;
        long dstPrefix = V6_PREFIX;
        int srcPort = 40_000;
        int dstPort = 5201;
        long seq = 1_000_000L;
        long ack = 77L;
        int flags = TcpFlyweight.FLAG_ACK;
        int window = 502;
        byte[] options = timestamps(1000, 2000);
        byte[] payload = new byte[0];
        int ttl = 64;
        int tos;
        int flowLabel;
        int id = 4242;
        boolean dontFragment = true;
        Checksum checksum = Checksum.COMPLETE;

        static Segment v4() {
            return new Segment();
        }

        static Segment v6() {
            Segment s = new Segment();
            s.v6 = true;
            return s;
        }

        Segment copy() {
            Segment c = new Segment();
            c.v6 = v6;
            c.srcMac = srcMac;
            c.dstMac = dstMac;
            c.srcIp = srcIp;
            c.dstIp = dstIp;
            c.srcPrefix = srcPrefix;
            c.dstPrefix = dstPrefix;
            c.srcPort = srcPort;
            c.dstPort = dstPort;
            c.seq = seq;
            c.ack = ack;
            c.flags = flags;
            c.window = window;
            c.options = options.clone();
            c.payload = payload.clone();
            c.ttl = ttl;
            c.tos = tos;
            c.flowLabel = flowLabel;
            c.id = id;
            c.dontFragment = dontFragment;
            c.checksum = checksum;
            return c;
        }

        Segment payload(byte[] bytes) {
            payload = bytes;
            return this;
        }

        Segment flags(int tcpFlags) {
            flags = tcpFlags;
            return this;
        }

        Segment checksum(Checksum mode) {
            checksum = mode;
            return this;
        }

        Segment options(byte[] tcpOptions) {
            options = tcpOptions;
            return this;
        }

        int l4() {
            return EthernetFlyweight.HEADER_LENGTH + (v6 ? Ipv6Flyweight.HEADER_LENGTH : Ipv4Flyweight.MIN_HEADER_LENGTH);
        }

        int headersLength() {
            return l4() + TcpFlyweight.MIN_HEADER_LENGTH + options.length;
        }

        int length() {
            return headersLength() + payload.length;
        }

        byte[] build() {
            ByteBuf b = Unpooled.wrappedBuffer(new byte[length()]);
            int tcpLength = TcpFlyweight.MIN_HEADER_LENGTH + options.length + payload.length;
            EthernetEncoder.write(b, 0, dstMac, srcMac, v6 ? EtherType.IPV6_VALUE : EtherType.IPV4_VALUE);
            int ip = EthernetFlyweight.HEADER_LENGTH;
            int pseudo;
            if (v6) {
                Ipv6Encoder.write(b, ip, srcPrefix, srcIp & 0xFFFF_FFFFL, dstPrefix, dstIp & 0xFFFF_FFFFL, IpProtocol.TCP_NUMBER, tcpLength, ttl);
                new Ipv6Flyweight().wrap(b, ip, Ipv6Flyweight.HEADER_LENGTH).trafficClass(tos).flowLabel(flowLabel);
                pseudo = InternetChecksum.pseudoHeaderSumIpv6(b, ip, IpProtocol.TCP_NUMBER, tcpLength);
            } else {
                Ipv4Encoder.write(b, ip, srcIp, dstIp, IpProtocol.TCP_NUMBER, tcpLength, ttl, id, tos, dontFragment);
                pseudo = InternetChecksum.pseudoHeaderSumIpv4(b, ip, IpProtocol.TCP_NUMBER, tcpLength);
            }
            int t = l4();
            TcpEncoder.write(b, t, srcPort, dstPort, seq, ack, flags, window);
            b.setByte(t + TcpFlyweight.DATA_OFFSET_OFFSET, (TcpFlyweight.MIN_HEADER_LENGTH + options.length) / 4 << 4
                    | (flags >> 8 & 1));
            b.setBytes(t + TcpFlyweight.OPTIONS_OFFSET, options);
            b.setBytes(headersLength(), payload);
            switch (checksum) {
                case COMPLETE:
                    TcpEncoder.writeChecksum(b, t, tcpLength, pseudo);
                    break;
                case PARTIAL:
                    b.setShort(t + TcpFlyweight.CHECKSUM_OFFSET, pseudo);
                    break;
                default:
                    b.setShort(t + TcpFlyweight.CHECKSUM_OFFSET, 0);
            }
            byte[] out = new byte[length()];
            b.getBytes(0, out);
            return out;
        }

        /** {@code count} consecutive segments of {@code mss} bytes each (the last maybe shorter) of {@code data}. */
        Segment[] split(byte[] data, int mss) {
            int count = (data.length + mss - 1) / mss;
            Segment[] out = new Segment[count];
            for (int i = 0; i < count; i++) {
                Segment s = copy();
                s.payload = Arrays.copyOfRange(data, i * mss, Math.min(data.length, (i + 1) * mss));
                s.seq = seq + (long) i * mss & 0xFFFF_FFFFL;
                s.id = id + i & 0xFFFF;
                s.flags = i == count - 1 ? flags : flags & ~(TcpFlyweight.FLAG_PSH | TcpFlyweight.FLAG_FIN);
                out[i] = s;
            }
            return out;
        }
    }

    /**
     * The frame a merge of {@code flow}'s segments carrying {@code data} must produce: the first
     * segment's headers (so its IP ID) with the lengths of the whole, and the partial seed in the
     * TCP checksum field.
     */
    static byte[] merged(Segment flow, byte[] data) {
        return flow.copy().payload(data).checksum(Checksum.PARTIAL).build();
    }

    static byte[] concat(Segment... segments) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Segment s : segments) {
            all.writeBytes(s.payload);
        }
        return all.toByteArray();
    }

    /** A UDP/IPv4 datagram between the flow's hosts, its checksum partial (seed) or complete. */
    static byte[] udp(boolean partial) {
        ByteBuf b = direct(14 + 20 + 8 + 16);
        EthernetEncoder.write(b, 0, MAC_B, MAC_A, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(b, 14, IP_A, IP_B, IpProtocol.UDP_NUMBER, 24, 64, 9);
        b.setShort(34, 5000).setShort(36, 53).setShort(38, 24);
        int seed = InternetChecksum.pseudoHeaderSumIpv4(b, 14, IpProtocol.UDP_NUMBER, 24);
        b.setShort(40, partial ? seed : 0);
        if (!partial) {
            b.setShort(40, InternetChecksum.checksum(b, 34, 24, seed));
        }
        return bytes(b, 0, b.capacity());
    }

    static byte[] arpRequest() {
        ByteBuf b = direct(42);
        EthernetEncoder.write(b, 0, 0xFFFF_FFFF_FFFFL, MAC_A, EtherType.ARP_VALUE);
        ArpEncoder.writeRequest(b, 14, MAC_A, IP_A, IP_B);
        return bytes(b, 0, 42);
    }

    static byte[] timestamps(int tsval, int tsecr) {
        ByteBuffer b = ByteBuffer.allocate(TIMESTAMP_OPTIONS_LENGTH);
        b.put((byte) 1).put((byte) 1).put((byte) 8).put((byte) 10).putInt(tsval).putInt(tsecr);
        return b.array();
    }
}
