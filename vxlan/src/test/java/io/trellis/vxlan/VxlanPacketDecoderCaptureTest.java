package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.arp.ArpOperation;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.MacBits;
import io.trellis.vxlan.icmp.IcmpFlyweight;
import io.trellis.vxlan.icmp.Icmpv6Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.charset.StandardCharsets;

import static io.trellis.vxlan.CaptureAssertions.*;
import static io.trellis.vxlan.Captures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Every layer and every checksum of packets a Linux kernel VXLAN device put on a veth. */
class VxlanPacketDecoderCaptureTest {
    private final VxlanPacketDecoder decoder = new VxlanPacketDecoder();

    @ParameterizedTest
    @FieldSource("io.trellis.vxlan.Captures#COMPLETE")
    void decodesEveryCompleteCaptureWithoutError(String name) {
        ByteBuf buf = buffer(name);
        assertThat(decoder.decodeUnderlayFrame(buf, 0, buf.readableBytes())).isEqualTo(Malformed.NONE);
        assertThat(decoder.failedLayer()).isEqualTo(Layer.NONE);
        // The same bytes as a VTEP socket delivers them (UDP payload) and as a TAP would (inner frame).
        assertThat(decoder.decodeDatagram(buf, 42, buf.readableBytes() - 42)).isEqualTo(Malformed.NONE);
        assertThat(decoder.decodeInnerFrame(buf, 50, buf.readableBytes() - 50)).isEqualTo(Malformed.NONE);
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.writerIndex()).isEqualTo(buf.capacity());
    }

    @Test
    void arpRequestFromAAcrossTheOverlay() {
        ByteBuf buf = decode("arp-request");
        assertOuter(decoder, true, 17439, 0xb27c, 60216, 58, 0x8822);
        assertInnerEthernet(decoder, MacBits.BROADCAST, OVERLAY_MAC_A, EtherType.ARP_VALUE);
        ArpFlyweight arp = decoder.arp();
        assertThat(decoder.has(Layer.INNER_ARP)).isTrue();
        assertThat(arp.hardwareType()).isEqualTo(ArpFlyweight.HARDWARE_TYPE_ETHERNET);
        assertThat(arp.protocolType()).isEqualTo(EtherType.IPV4_VALUE);
        assertThat(arp.hardwareLength()).isEqualTo(6);
        assertThat(arp.protocolLength()).isEqualTo(4);
        assertThat(ArpOperation.valueOf(arp.operation())).isSameAs(ArpOperation.REQUEST);
        assertThat(arp.senderHardwareAddress()).isEqualTo(OVERLAY_MAC_A);
        assertThat(arp.senderProtocolAddress()).isEqualTo(OVERLAY_IP_A);
        assertThat(arp.targetHardwareAddress()).isEqualTo(MacBits.ZERO);
        assertThat(arp.targetProtocolAddress()).isEqualTo(OVERLAY_IP_B);
        assertThat(arp.isGratuitous()).isFalse();
        assertThat(arp.offset() + arp.headerLength()).isEqualTo(buf.capacity());
    }

    @Test
    void arpReplyFromB() {
        decode("arp-reply");
        assertOuter(decoder, false, 29132, 0x84cf, 60216, 58, 0x2f31);
        assertInnerEthernet(decoder, OVERLAY_MAC_A, OVERLAY_MAC_B, EtherType.ARP_VALUE);
        ArpFlyweight arp = decoder.arp();
        assertThat(arp.operation()).isEqualTo(ArpOperation.REPLY_CODE);
        assertThat(arp.senderHardwareAddress()).isEqualTo(OVERLAY_MAC_B);
        assertThat(arp.senderProtocolAddress()).isEqualTo(OVERLAY_IP_B);
        assertThat(arp.targetHardwareAddress()).isEqualTo(OVERLAY_MAC_A);
        assertThat(arp.targetProtocolAddress()).isEqualTo(OVERLAY_IP_A);
    }

    @Test
    void icmpEchoRequestWithPingPattern() {
        ByteBuf buf = decode("icmp-echo-request");
        assertOuter(decoder, true, 17440, 0xb243, 43275, 114, 0x2c56);
        assertInnerEthernet(decoder, OVERLAY_MAC_B, OVERLAY_MAC_A, EtherType.IPV4_VALUE);
        assertInnerIpv4(decoder, OVERLAY_IP_A, OVERLAY_IP_B, 84, 28479, true, 1, 0x76ff);
        IcmpFlyweight icmp = decoder.icmp();
        assertThat(icmp.type()).isEqualTo(IcmpFlyweight.TYPE_ECHO_REQUEST);
        assertThat(icmp.code()).isZero();
        assertThat(icmp.checksum()).isEqualTo(0x7b3f);
        assertThat(InternetChecksum.verify(buf, icmp.offset(), icmp.length())).isTrue();
        assertThat(icmp.identifier()).isEqualTo(31441);
        assertThat(icmp.sequenceNumber()).isEqualTo(1);
        assertThat(icmp.bodyLength()).isEqualTo(56);
        // iputils ping: a 16-byte timeval, then bytes 0x10..0x37.
        for (int i = 16; i < 56; i++) {
            assertThat((int) buf.getUnsignedByte(icmp.bodyOffset() + i)).isEqualTo(i);
        }
    }

    @Test
    void icmpEchoReplyKeepsIdentifierAndSequence() {
        decode("icmp-echo-reply");
        assertOuter(decoder, false, 29133, 0x8496, 43275, 114, 0x2c56);
        assertInnerEthernet(decoder, OVERLAY_MAC_A, OVERLAY_MAC_B, EtherType.IPV4_VALUE);
        assertInnerIpv4(decoder, OVERLAY_IP_B, OVERLAY_IP_A, 84, 3457, false, 1, 0x18be);
        IcmpFlyweight icmp = decoder.icmp();
        assertThat(icmp.type()).isEqualTo(IcmpFlyweight.TYPE_ECHO_REPLY);
        assertThat(icmp.isEcho()).isTrue();
        assertThat(icmp.checksum()).isEqualTo(0x833f);
        assertThat(icmp.identifier()).isEqualTo(31441);
        assertThat(icmp.sequenceNumber()).isEqualTo(1);
    }

    @Test
    void icmpv6EchoRequestWithPseudoHeaderChecksum() {
        ByteBuf buf = decode("icmpv6-echo-request");
        assertOuter(decoder, true, 17463, 0xb218, 59228, 134, 0xfa78);
        assertInnerEthernet(decoder, OVERLAY_MAC_B, OVERLAY_MAC_A, EtherType.IPV6_VALUE);
        Ipv6Flyweight ip = decoder.innerIpv6();
        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.trafficClass()).isZero();
        assertThat(ip.flowLabel()).isEqualTo(0x8da77);
        assertThat(ip.payloadLength()).isEqualTo(64);
        assertThat(ip.nextHeader()).isEqualTo(IpProtocol.ICMPV6_NUMBER);
        assertThat(ip.hopLimit()).isEqualTo(64);
        assertThat(ip.sourceHigh()).isEqualTo(DOC_PREFIX_HIGH);
        assertThat(ip.sourceLow()).isEqualTo(1);
        assertThat(ip.destinationHigh()).isEqualTo(DOC_PREFIX_HIGH);
        assertThat(ip.destinationLow()).isEqualTo(2);
        Icmpv6Flyweight icmp = decoder.icmpv6();
        assertThat(icmp.type()).isEqualTo(Icmpv6Flyweight.TYPE_ECHO_REQUEST);
        assertThat(icmp.code()).isZero();
        assertThat(icmp.checksum()).isEqualTo(0xe723);
        assertThat(icmp.identifier()).isEqualTo(31443);
        assertThat(icmp.sequenceNumber()).isEqualTo(1);
        assertThat(icmp.isError()).isFalse();
        int pseudo = InternetChecksum.pseudoHeaderSumIpv6(DOC_PREFIX_HIGH, 1, DOC_PREFIX_HIGH, 2, 58, 64);
        assertThat(pseudo).isEqualTo(InternetChecksum.pseudoHeaderSumIpv6(buf, ip.offset(), 58, 64));
        assertThat(icmp.checksumValid(pseudo)).isTrue();
        assertThat(icmp.checksumValid(InternetChecksum.add(pseudo, 1))).isFalse();
    }

    @Test
    void ipv6WithHopByHopHeaderStopsAtTheIpLayer() {
        decode("ipv6-hop-by-hop-mld");
        assertOuter(decoder, false, 29055, 0x84d8, 46778, 126, 0xf90d);
        // MLDv2 report to ff02::16 from the unspecified address, multicast MAC 33:33:00:00:00:16 (RFC 2464 §7).
        assertInnerEthernet(decoder, 0x3333_0000_0016L, OVERLAY_MAC_B, EtherType.IPV6_VALUE);
        assertThat(MacBits.isMulticast(decoder.innerEthernet().destination())).isTrue();
        Ipv6Flyweight ip = decoder.innerIpv6();
        assertThat(ip.nextHeader()).isEqualTo(IpProtocol.HOPOPT_NUMBER);
        assertThat(IpProtocol.valueOf(ip.nextHeader())).isSameAs(IpProtocol.HOPOPT);
        assertThat(ip.hopLimit()).isEqualTo(1);
        assertThat(ip.payloadLength()).isEqualTo(56);
        assertThat(ip.sourceHigh()).isZero();
        assertThat(ip.sourceLow()).isZero();
        assertThat(ip.destinationHigh()).isEqualTo(0xff02_0000_0000_0000L);
        assertThat(ip.destinationLow()).isEqualTo(0x16);
        assertThat(decoder.has(Layer.INNER_IPV6)).isTrue();
        assertThat(decoder.has(Layer.INNER_ICMPV6)).isFalse();
    }

    @Test
    void tcpSynWithOptions() {
        ByteBuf buf = decode("tcp-syn");
        assertOuter(decoder, true, 17565, 0xb1de, 39671, 90, 0x8f33);
        assertInnerEthernet(decoder, OVERLAY_MAC_B, OVERLAY_MAC_A, EtherType.IPV4_VALUE);
        assertInnerIpv4(decoder, OVERLAY_IP_A, OVERLAY_IP_B, 60, 32362, true, IpProtocol.TCP_NUMBER, 0x67e7);
        TcpFlyweight tcp = decoder.tcp();
        assertThat(tcp.sourcePort()).isEqualTo(53796);
        assertThat(tcp.destinationPort()).isEqualTo(8080);
        assertThat(tcp.sequenceNumber()).isEqualTo(4080997757L);
        assertThat(tcp.acknowledgmentNumber()).isZero();
        assertThat(tcp.dataOffset()).isEqualTo(10);
        assertThat(tcp.headerLength()).isEqualTo(40);
        assertThat(tcp.optionsLength()).isEqualTo(20);
        assertThat(tcp.flags()).isEqualTo(TcpFlyweight.FLAG_SYN);
        assertThat(tcp.window()).isEqualTo(64860);
        assertThat(tcp.checksum()).isEqualTo(0x0073);
        assertThat(tcp.urgentPointer()).isZero();
        assertThat(tcp.payloadLength()).isZero();
        // options [mss 1410,sackOK,TS val 3742440561 ecr 0,nop,wscale 10]: 1410 = 1450 overlay MTU − 40.
        assertThat(tcp.mss()).isEqualTo(1410);
        assertThat(tcp.findOption(TcpFlyweight.OPTION_SACK_PERMITTED)).isEqualTo(tcp.offset() + 24);
        int ts = tcp.findOption(TcpFlyweight.OPTION_TIMESTAMPS);
        assertThat(ts).isEqualTo(tcp.offset() + 26);
        assertThat(buf.getUnsignedInt(ts + 2)).isEqualTo(3742440561L);
        assertThat(buf.getUnsignedInt(ts + 6)).isZero();
        int ws = tcp.findOption(TcpFlyweight.OPTION_WINDOW_SCALE);
        assertThat((int) buf.getUnsignedByte(ws + 2)).isEqualTo(10);
        assertThat(tcp.findOption(TcpFlyweight.OPTION_SACK)).isEqualTo(-1);
        assertThat(tcp.checksumValid(InternetChecksum.pseudoHeaderSumIpv4(OVERLAY_IP_A, OVERLAY_IP_B, 6, 40))).isTrue();
    }

    @Test
    void tcpSynAckFromB() {
        decode("tcp-syn-ack");
        assertOuter(decoder, false, 29247, 0x843c, 37585, 90, 0x9759);
        assertInnerIpv4(decoder, OVERLAY_IP_B, OVERLAY_IP_A, 60, 0, true, IpProtocol.TCP_NUMBER, 0xe651);
        TcpFlyweight tcp = decoder.tcp();
        assertThat(tcp.sourcePort()).isEqualTo(8080);
        assertThat(tcp.destinationPort()).isEqualTo(53796);
        assertThat(tcp.sequenceNumber()).isEqualTo(3745045451L);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(4080997758L);
        assertThat(tcp.flags()).isEqualTo(TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK);
        assertThat(tcp.hasFlags(TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK)).isTrue();
        assertThat(tcp.window()).isEqualTo(64308);
        assertThat(tcp.checksum()).isEqualTo(0x06d5);
        assertThat(tcp.mss()).isEqualTo(1410);
    }

    @Test
    void tcpDataSegmentCarriesTheRequest() {
        ByteBuf buf = decode("tcp-data");
        assertOuter(decoder, true, 17567, 0xb1d2, 39671, 100, 0x8f29);
        assertInnerIpv4(decoder, OVERLAY_IP_A, OVERLAY_IP_B, 70, 32364, true, IpProtocol.TCP_NUMBER, 0x67db);
        TcpFlyweight tcp = decoder.tcp();
        assertThat(tcp.sequenceNumber()).isEqualTo(4080997758L);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(3745045452L);
        assertThat(tcp.flags()).isEqualTo(TcpFlyweight.FLAG_PSH | TcpFlyweight.FLAG_ACK);
        assertThat(tcp.window()).isEqualTo(64);
        assertThat(tcp.checksum()).isEqualTo(0x51ad);
        assertThat(tcp.headerLength()).isEqualTo(32);
        assertThat(tcp.mss()).isEqualTo(-1);
        assertThat(tcp.payloadLength()).isEqualTo(18);
        assertThat(buf.toString(tcp.payloadOffset(), tcp.payloadLength(), StandardCharsets.US_ASCII))
                .isEqualTo("GET / HTTP/1.0\r\n\r\n");
    }

    private ByteBuf decode(String name) {
        ByteBuf buf = buffer(name);
        assertThat(decoder.decodeUnderlayFrame(buf, 0, buf.capacity())).isEqualTo(Malformed.NONE);
        return buf;
    }

}
