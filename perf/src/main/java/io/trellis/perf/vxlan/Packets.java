package io.trellis.perf.vxlan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.vxlan.VxlanEncoder;
import java.nio.ByteBuffer;

/**
 * Packets for the benchmarks: one real capture and synthetic full-size TCP frames with every
 * checksum filled in, so a verifying decoder accepts them.
 *
 * <p>Buffers: every buffer is {@code Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(n))} — not an
 * allocator buffer, so the leak detector neither tracks nor samples it and {@code -prof gc} sees
 * only what the code under test allocates. Nothing needs releasing; the GC frees them with the
 * benchmark state.
 */
public final class Packets {
    /**
     * vxlan/src/test/resources/captures/tcp-data.hex: 134 bytes on the underlay veth, kernel VXLAN
     * (VNI 42, UDP 4789) between two namespaces, {@code ethtool -K tx off} so every checksum is filled
     * in. Outer Ethernet / IPv4 / UDP (checksum set) / VXLAN / inner Ethernet / IPv4 / TCP with an
     * "GET / HTTP/1.0" payload.
     */
    public static final String CAPTURED_TCP_DATA_HEX = ""
            + "02 00 00 00 0b 01 02 00 00 00 0a 01 08 00 45 00"
            + "00 78 44 9f 00 00 40 11 b1 d2 c0 00 02 01 c0 00"
            + "02 02 9a f7 12 b5 00 64 8f 29 08 00 00 00 00 00"
            + "2a 00 02 42 c6 33 64 02 02 42 c6 33 64 01 08 00"
            + "45 00 00 46 7e 6c 40 00 40 06 67 db c6 33 64 01"
            + "c6 33 64 02 d2 24 1f 90 f3 3f 15 7e df 38 db cc"
            + "80 18 00 40 51 ad 00 00 01 01 08 0a df 11 1c 71"
            + "95 bd aa f2 47 45 54 20 2f 20 48 54 54 50 2f 31"
            + "2e 30 0d 0a 0d 0a";

    private Packets() {
    }

    /** A direct, unpooled, non-leak-tracked buffer of {@code capacity} bytes, writer index at the end. */
    public static ByteBuf direct(int capacity) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity));
        b.writerIndex(capacity);
        return b;
    }

    /** The bytes of a hex dump (whitespace ignored) in a direct buffer, starting at index 0. */
    public static ByteBuf fromHex(String hex) {
        String digits = hex.replaceAll("\\s+", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("hex dump has an odd number of digits: " + digits.length());
        }
        byte[] bytes = java.util.HexFormat.of().parseHex(digits);
        ByteBuf b = direct(bytes.length);
        b.setBytes(0, bytes);
        return b;
    }

    /**
     * Writes an Ethernet / IPv4 (DF) / TCP (ACK|PSH) frame of exactly {@code frameLength} bytes at
     * {@code offset}, payload bytes 0..255 repeating, IPv4 and TCP checksums filled in.
     */
    public static void writeTcpFrame(ByteBuf buf, int offset, int frameLength, long dstMac, long srcMac,
                                     int srcIp, int dstIp) {
        int ip = offset + EthernetFlyweight.HEADER_LENGTH;
        int tcp = ip + Ipv4Flyweight.MIN_HEADER_LENGTH;
        int segment = offset + frameLength - tcp;
        if (segment < TcpFlyweight.MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException("frame length " + frameLength + " is too short for Ethernet/IPv4/TCP: need at least 54");
        }
        EthernetEncoder.write(buf, offset, dstMac, srcMac, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(buf, ip, srcIp, dstIp, IpProtocol.TCP_NUMBER, segment, Ipv4Encoder.DEFAULT_TTL, 1, 0, true);
        TcpEncoder.write(buf, tcp, 40000, 5201, 1_000_000L, 2_000_000L, 0x18, 502);
        for (int i = tcp + TcpFlyweight.MIN_HEADER_LENGTH; i < offset + frameLength; i++) {
            buf.setByte(i, i);
        }
        TcpEncoder.writeChecksum(buf, tcp, segment,
                InternetChecksum.pseudoHeaderSumIpv4(srcIp, dstIp, IpProtocol.TCP_NUMBER, segment));
    }

    /**
     * A VXLAN datagram as the VTEP socket delivers it (8-byte VXLAN header at 0, then a TCP frame of
     * {@code frameLength} bytes).
     */
    public static ByteBuf vxlanDatagram(int vni, int frameLength, long dstMac, long srcMac, int srcIp, int dstIp) {
        ByteBuf b = direct(8 + frameLength);
        VxlanEncoder.write(b, 0, vni);
        writeTcpFrame(b, 8, frameLength, dstMac, srcMac, srcIp, dstIp);
        return b;
    }
}
