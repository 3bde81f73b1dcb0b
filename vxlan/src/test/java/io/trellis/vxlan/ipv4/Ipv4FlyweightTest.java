package io.trellis.vxlan.ipv4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4FlyweightTest {
    private final ByteBuf buf = Unpooled.buffer(128, 128).writeZero(128);
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void encoderRoundTripsEveryField() {
        int src = Ipv4Address.parse("10.0.1.5");
        int dst = Ipv4Address.parse("10.0.1.6");
        assertThat(Ipv4Encoder.write(buf, 2, src, dst, IpProtocol.UDP_NUMBER, 100, 63, 0xBEEF, 0xB8, true)).isEqualTo(20);
        ip.wrap(buf, 2, 120);
        assertThat(ip.check()).isEqualTo(Malformed.NONE);
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.tos()).isEqualTo(0xB8);
        assertThat(ip.dscp()).isEqualTo(46); // EF
        assertThat(ip.ecn()).isZero();
        assertThat(ip.totalLength()).isEqualTo(120);
        assertThat(ip.identification()).isEqualTo(0xBEEF);
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(63);
        assertThat(ip.protocol()).isEqualTo(17);
        assertThat(ip.source()).isEqualTo(src);
        assertThat(ip.destination()).isEqualTo(dst);
        assertThat(ip.payloadOffset()).isEqualTo(22);
        assertThat(ip.payloadLength()).isEqualTo(100);
        assertThat(InternetChecksum.verify(buf, 2, 20)).isTrue();
    }

    @Test
    void theEncoderReproducesACapturedHeader() {
        ByteBuf captured = Captures.buffer("tcp-syn");
        Ipv4Encoder.write(buf, 0, Captures.OVERLAY_IP_A, Captures.OVERLAY_IP_B, 6, 40, 64, 32362, 0, true);
        assertThat(buf.slice(0, 20)).isEqualTo(captured.slice(64, 20));
    }

    @Test
    void settersWithUpdateHeaderChecksumKeepTheHeaderValid() {
        Ipv4Encoder.write(buf, 0, 1, 2, 6, 20, 64, 1);
        ip.wrap(buf, 0, 40).ttl(1).tos(4).identification(7).totalLength(30).source(3).destination(4).protocol(17)
                .flagsAndFragmentOffset(Ipv4Flyweight.FLAG_MORE_FRAGMENTS, 185);
        assertThat(ip.check()).isEqualTo(Malformed.BAD_CHECKSUM);
        ip.updateHeaderChecksum();
        assertThat(ip.check()).isEqualTo(Malformed.NONE);
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.fragmentOffset()).isEqualTo(185);
        assertThat(ip.isFragment()).isTrue();
    }

    @Test
    void reportsEachMalformationInOrder() {
        Ipv4Encoder.write(buf, 0, 1, 2, 6, 20, 64, 1);
        assertThat(ip.wrap(buf, 0, 19).check()).isEqualTo(Malformed.TRUNCATED);
        assertThat(ip.wrap(buf, 0, 39).check()).as("total length 40 > 39 available").isEqualTo(Malformed.TRUNCATED);
        assertThat(ip.wrap(buf, 0, 128).check()).as("Ethernet padding after the packet is fine").isEqualTo(Malformed.NONE);

        buf.setByte(0, 0x65);
        assertThat(ip.check()).isEqualTo(Malformed.BAD_VERSION);
        buf.setByte(0, 0x44);
        assertThat(ip.check()).isEqualTo(Malformed.BAD_HEADER_LENGTH);
        buf.setByte(0, 0x4F);
        assertThat(ip.wrap(buf, 0, 40).check()).as("IHL 15 needs 60 bytes").isEqualTo(Malformed.TRUNCATED);
        buf.setByte(0, 0x45);
        ip.wrap(buf, 0, 128).totalLength(19).updateHeaderChecksum();
        assertThat(ip.check()).isEqualTo(Malformed.BAD_LENGTH);
        ip.totalLength(40).headerChecksum(ip.headerChecksum() ^ 1);
        assertThat(ip.check()).isEqualTo(Malformed.BAD_CHECKSUM);
    }

    @Test
    void optionsAreWalkedAndChecked() {
        Ipv4Encoder.write(buf, 0, 1, 2, 6, 20, 64, 1);
        buf.setByte(0, 0x47); // IHL 7: 8 option bytes
        ip.wrap(buf, 0, 128).totalLength(48);
        // Router Alert (RFC 2113: type 148, length 4), NOP, End of Option List, padding.
        buf.setBytes(20, new byte[]{(byte) 148, 4, 0, 0, 1, 0, 0, 0});
        ip.updateHeaderChecksum();
        assertThat(ip.check()).isEqualTo(Malformed.NONE);
        assertThat(ip.optionsLength()).isEqualTo(8);
        assertThat(ip.payloadOffset()).isEqualTo(28);

        buf.setBytes(20, new byte[]{1, 1, 1, 1, 1, 1, 1, (byte) 148}); // a type byte with no room for its length
        assertThat(ip.updateHeaderChecksum().check()).isEqualTo(Malformed.BAD_OPTIONS);
        buf.setBytes(20, new byte[]{(byte) 148, 1, 0, 0, 0, 0, 0, 0}); // length below 2
        assertThat(ip.updateHeaderChecksum().check()).isEqualTo(Malformed.BAD_OPTIONS);
        buf.setBytes(20, new byte[]{1, 1, 7, 7, 0, 0, 0, 0}); // record route running past the header
        assertThat(ip.updateHeaderChecksum().check()).isEqualTo(Malformed.BAD_OPTIONS);
        buf.setBytes(20, new byte[]{0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0}); // anything after End of List is padding
        assertThat(ip.updateHeaderChecksum().check()).isEqualTo(Malformed.NONE);
    }

    @Test
    void encoderRejectsOversizedPayloads() {
        assertThatThrownBy(() -> Ipv4Encoder.write(buf, 0, 1, 2, 6, 65516, 64, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65516");
    }

    @Test
    void addressesFormatAndParse() {
        assertThat(Ipv4Address.toString(Captures.OVERLAY_IP_A)).isEqualTo("198.51.100.1");
        assertThat(Ipv4Address.toString(0xFFFFFFFF)).isEqualTo("255.255.255.255");
        assertThat(Ipv4Address.parse("0.0.0.0")).isZero();
        assertThat(Ipv4Address.parse("192.0.2.1")).isEqualTo(Captures.UNDERLAY_IP_A);
        for (String bad : new String[]{"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ", "-1.2.3.4", "1234.1.1.1",
                "a.b.c.d", "1.2.3.", "example.com"}) {
            assertThatThrownBy(() -> Ipv4Address.parse(bad)).as(bad).hasMessageContaining("is not an IPv4 address");
        }
    }

    @Test
    void ipProtocolIsAnOpenEnum() {
        assertThat(IpProtocol.valueOf(6)).isSameAs(IpProtocol.TCP);
        assertThat(IpProtocol.valueOf(17)).isSameAs(IpProtocol.UDP);
        assertThat(IpProtocol.valueOf(1)).isSameAs(IpProtocol.ICMP);
        assertThat(IpProtocol.valueOf(58)).isSameAs(IpProtocol.ICMPV6);
        IpProtocol esp = IpProtocol.valueOf(50);
        assertThat(esp.intValue()).isEqualTo(50);
        assertThat(esp).isEqualTo(IpProtocol.valueOf(50)).hasToString("UNKNOWN(50)");
        assertThatThrownBy(() -> IpProtocol.valueOf(256)).isInstanceOf(IllegalArgumentException.class);
    }
}
