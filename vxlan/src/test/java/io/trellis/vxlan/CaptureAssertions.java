package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;

import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.udp.UdpFlyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

import static io.trellis.vxlan.Captures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Field-by-field checks of the layers every capture shares, after a successful decode. */
final class CaptureAssertions {
    private CaptureAssertions() {
    }

    /** Outer Ethernet, IPv4, UDP and VXLAN, sent by A ({@code fromA}) or B. */
    static void assertOuter(VxlanPacketDecoder decoder, boolean fromA, int ipId, int ipChecksum, int udpSourcePort, int udpLength, int udpChecksum) {
        assertThat(decoder.has(Layer.OUTER_ETHERNET)).isTrue();
        assertThat(decoder.outerEthernet().destination()).isEqualTo(fromA ? UNDERLAY_MAC_B : UNDERLAY_MAC_A);
        assertThat(decoder.outerEthernet().source()).isEqualTo(fromA ? UNDERLAY_MAC_A : UNDERLAY_MAC_B);
        assertThat(decoder.outerEthernet().etherType()).isEqualTo(EtherType.IPV4_VALUE);
        assertThat(decoder.outerEthernet().hasVlanTag()).isFalse();
        assertThat(decoder.outerEthernet().headerLength()).isEqualTo(14);

        Ipv4Flyweight ip = decoder.outerIpv4();
        assertThat(decoder.has(Layer.OUTER_IPV4)).isTrue();
        assertThat(decoder.has(Layer.OUTER_IPV6)).isFalse();
        assertThat(ip.offset()).isEqualTo(14);
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.optionsLength()).isZero();
        assertThat(ip.tos()).isZero();
        assertThat(ip.totalLength()).isEqualTo(20 + udpLength);
        assertThat(ip.identification()).isEqualTo(ipId);
        assertThat(ip.flags()).isZero(); // the kernel VXLAN device leaves DF clear unless told "df set"
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(IpProtocol.UDP_NUMBER);
        assertThat(ip.headerChecksum()).isEqualTo(ipChecksum);
        assertThat(InternetChecksum.verify(ip.buffer(), ip.offset(), 20)).isTrue();
        assertThat(ip.source()).isEqualTo(fromA ? UNDERLAY_IP_A : UNDERLAY_IP_B);
        assertThat(ip.destination()).isEqualTo(fromA ? UNDERLAY_IP_B : UNDERLAY_IP_A);

        UdpFlyweight udp = decoder.outerUdp();
        assertThat(udp.offset()).isEqualTo(34);
        assertThat(udp.sourcePort()).isEqualTo(udpSourcePort);
        assertThat(udp.destinationPort()).isEqualTo(VxlanFlyweight.UDP_PORT);
        assertThat(udp.udpLength()).isEqualTo(udpLength);
        assertThat(udp.checksum()).isEqualTo(udpChecksum);
        assertThat(udp.checksumValid(InternetChecksum.pseudoHeaderSumIpv4(ip.source(), ip.destination(), 17, udpLength))).isTrue();

        VxlanFlyweight vxlan = decoder.vxlan();
        assertThat(vxlan.offset()).isEqualTo(42);
        assertThat(vxlan.flags()).isEqualTo(VxlanFlyweight.FLAG_I);
        assertThat(vxlan.reserved1()).isZero();
        assertThat(vxlan.reserved2()).isZero();
        assertThat(vxlan.vni()).isEqualTo(VNI);
        assertThat(decoder.vni()).isEqualTo(VNI);
        assertThat(vxlan.payloadLength()).isEqualTo(udpLength - 16);
    }

    static void assertInnerEthernet(VxlanPacketDecoder decoder, long destination, long source, int etherType) {
        assertThat(decoder.has(Layer.INNER_ETHERNET)).isTrue();
        assertThat(decoder.innerEthernet().offset()).isEqualTo(50);
        assertThat(decoder.innerEthernet().destination()).isEqualTo(destination);
        assertThat(decoder.innerEthernet().source()).isEqualTo(source);
        assertThat(decoder.innerEthernet().etherType()).isEqualTo(etherType);
        assertThat(decoder.innerEthernet().vlanId()).isEqualTo(-1);
    }

    static void assertInnerIpv4(VxlanPacketDecoder decoder, int source, int destination, int totalLength, int id, boolean dontFragment,
                                 int protocol, int checksum) {
        Ipv4Flyweight ip = decoder.innerIpv4();
        assertThat(decoder.has(Layer.INNER_IPV4)).isTrue();
        assertThat(ip.offset()).isEqualTo(64);
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.dscp()).isZero();
        assertThat(ip.ecn()).isZero();
        assertThat(ip.totalLength()).isEqualTo(totalLength);
        assertThat(ip.identification()).isEqualTo(id);
        assertThat(ip.dontFragment()).isEqualTo(dontFragment);
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(protocol);
        assertThat(ip.headerChecksum()).isEqualTo(checksum);
        assertThat(InternetChecksum.verify(ip.buffer(), ip.offset(), ip.headerLength())).isTrue();
        assertThat(ip.source()).isEqualTo(source);
        assertThat(ip.destination()).isEqualTo(destination);
        assertThat(ip.payloadLength()).isEqualTo(totalLength - 20);
    }
}
