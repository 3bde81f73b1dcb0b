package io.trellis.vxlan.vxlan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.packet.VxlanPacketDecoder;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.icmp.IcmpEncoder;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv6.Ipv6Encoder;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.trellis.vxlan.Captures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VxlanEncoderTest {
    private final ByteBuf buf = Unpooled.buffer(256, 256).writeZero(256);
    private final VxlanPacketDecoder decoder = new VxlanPacketDecoder();

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void headerRoundTrips() {
        assertThat(VxlanEncoder.write(buf, 3, VxlanFlyweight.MAX_VNI)).isEqualTo(8);
        VxlanFlyweight vxlan = new VxlanFlyweight().wrap(buf, 3, 8);
        assertThat(vxlan.check()).isEqualTo(Malformed.NONE);
        assertThat(vxlan.flags()).isEqualTo(VxlanFlyweight.FLAG_I);
        assertThat(vxlan.vni()).isEqualTo(0xFF_FFFF);
        assertThat(vxlan.reserved1()).isZero();
        assertThat(vxlan.reserved2()).isZero();
        assertThat(vxlan.payloadOffset()).isEqualTo(11);
        vxlan.vni(4096);
        assertThat(vxlan.vni()).isEqualTo(4096);
        assertThat(buf.getUnsignedByte(10)).as("reserved byte untouched").isZero();
        assertThatThrownBy(() -> VxlanEncoder.write(buf, 0, 1 << 24)).hasMessageContaining("VNI 16777216");
        assertThatThrownBy(() -> VxlanEncoder.write(buf, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void iFlagMustBeSetAndReservedBitsAreIgnored() {
        VxlanEncoder.write(buf, 0, 42);
        VxlanFlyweight vxlan = new VxlanFlyweight().wrap(buf, 0, 8);
        vxlan.flags(0x00);
        assertThat(vxlan.check()).isEqualTo(Malformed.BAD_FLAGS);
        vxlan.flags(0xFF);
        buf.setByte(1, 0xFF);
        buf.setByte(7, 0xFF);
        assertThat(vxlan.check()).isEqualTo(Malformed.NONE);
        assertThat(vxlan.wrap(buf, 0, 7).check()).isEqualTo(Malformed.TRUNCATED);
    }

    /** Every encoder together rebuilds the kernel's ICMP echo request byte for byte. */
    @Test
    void encodersRebuildACapturedPacketExactly() {
        ByteBuf captured = Captures.buffer("icmp-echo-request");
        int n = EthernetEncoder.write(buf, 0, UNDERLAY_MAC_B, UNDERLAY_MAC_A, EtherType.IPV4_VALUE);
        int outerIp = n;
        n += Ipv4Encoder.write(buf, n, UNDERLAY_IP_A, UNDERLAY_IP_B, IpProtocol.UDP_NUMBER, 114, 64, 17440);
        int udp = n;
        n += 8;
        n += VxlanEncoder.write(buf, n, VNI);
        n += EthernetEncoder.write(buf, n, OVERLAY_MAC_B, OVERLAY_MAC_A, EtherType.IPV4_VALUE);
        n += Ipv4Encoder.write(buf, n, OVERLAY_IP_A, OVERLAY_IP_B, IpProtocol.ICMP_NUMBER, 64, 64, 28479, 0, true);
        buf.setBytes(n + 8, captured, n + 8, 56);
        n += IcmpEncoder.writeEchoRequest(buf, n, 31441, 1, 56);
        assertThat(n).isEqualTo(148);
        UdpEncoder.write(buf, udp, 43275, VxlanFlyweight.UDP_PORT, 106,
                InternetChecksum.pseudoHeaderSumIpv4(buf, outerIp, IpProtocol.UDP_NUMBER, 114));
        assertThat(buf.slice(0, 148)).isEqualTo(captured);
    }

    @Test
    void vlanTaggedInnerFrameOverAnIpv6UnderlayDecodes() {
        long a = DOC_PREFIX_HIGH;
        int n = EthernetEncoder.write(buf, 0, UNDERLAY_MAC_B, UNDERLAY_MAC_A, EtherType.IPV6_VALUE);
        int outerIp = n;
        int inner = 40 + 8 + 8;
        int innerLength = 18 + 20 + 20;
        n += Ipv6Encoder.write(buf, n, a, 0xA, a, 0xB, IpProtocol.UDP_NUMBER, 8 + 8 + innerLength, 64);
        int udp = n;
        n += 8;
        n += VxlanEncoder.write(buf, n, 4097);
        n += EthernetEncoder.writeTagged(buf, n, OVERLAY_MAC_B, OVERLAY_MAC_A, 10, 0, EtherType.IPV4_VALUE);
        int innerIp = n;
        n += Ipv4Encoder.write(buf, n, OVERLAY_IP_A, OVERLAY_IP_B, IpProtocol.TCP_NUMBER, 20, 64, 1);
        TcpEncoder.write(buf, n, 1000, 80, 1, 0, TcpFlyweight.FLAG_SYN, 1000);
        TcpEncoder.writeChecksum(buf, n, 20, InternetChecksum.pseudoHeaderSumIpv4(buf, innerIp, 6, 20));
        n += 20;
        assertThat(n - 14).isEqualTo(inner + innerLength);
        UdpEncoder.write(buf, udp, 50000, VxlanFlyweight.UDP_PORT, 8 + innerLength,
                InternetChecksum.pseudoHeaderSumIpv6(buf, outerIp, 17, 16 + innerLength));

        assertThat(decoder.decodeUnderlayFrame(buf, 0, n)).isEqualTo(Malformed.NONE);
        assertThat(decoder.has(Layer.OUTER_IPV6)).isTrue();
        assertThat(decoder.vni()).isEqualTo(4097);
        assertThat(decoder.innerEthernet().vlanId()).isEqualTo(10);
        assertThat(decoder.tcp().destinationPort()).isEqualTo(80);
        // A corrupted outer UDP checksum over IPv6 is caught.
        buf.setByte(n - 1, 1);
        assertThat(decoder.decodeUnderlayFrame(buf, 0, n)).isEqualTo(Malformed.BAD_CHECKSUM);
        assertThat(decoder.failedLayer()).isEqualTo(Layer.OUTER_UDP);
    }

    @Test
    void nonVxlanUnderlayTrafficIsUnsupportedNotMalformed() {
        ByteBuf packet = Captures.buffer("tcp-syn");
        packet.setShort(36, 4790); // another UDP port
        assertThat(decoder.decodeUnderlayFrame(packet, 0, packet.capacity())).isEqualTo(Malformed.UNSUPPORTED);
        assertThat(decoder.failedLayer()).isEqualTo(Layer.OUTER_UDP);
        VxlanPacketDecoder otherPort = new VxlanPacketDecoder(4790, false, true);
        assertThat(otherPort.decodeUnderlayFrame(packet, 0, packet.capacity())).isEqualTo(Malformed.NONE);
        packet.setShort(12, 0x88CC);
        assertThat(decoder.decodeUnderlayFrame(packet, 0, packet.capacity())).isEqualTo(Malformed.UNSUPPORTED);
        assertThat(decoder.failedLayer()).isEqualTo(Layer.OUTER_ETHERNET);
    }
}
