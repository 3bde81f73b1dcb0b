package io.trellis.vxlan.ipv6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv6FlyweightTest {
    private final ByteBuf buf = Unpooled.buffer(128, 128).writeZero(128);

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void encoderRoundTripsEveryField() {
        Ipv6Address src = Ipv6Address.parse("2001:db8::1");
        Ipv6Address dst = Ipv6Address.parse("2001:db8::2");
        assertThat(Ipv6Encoder.write(buf, 0, src.high(), src.low(), dst.high(), dst.low(), IpProtocol.ICMPV6_NUMBER, 64, 64))
                .isEqualTo(40);
        Ipv6Flyweight ip = new Ipv6Flyweight().wrap(buf, 0, 104).flowLabel(0x8da77);
        assertThat(ip.check()).isEqualTo(Malformed.NONE);
        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.trafficClass()).isZero();
        assertThat(ip.flowLabel()).isEqualTo(0x8da77);
        assertThat(ip.payloadLength()).isEqualTo(64);
        assertThat(ip.nextHeader()).isEqualTo(58);
        assertThat(ip.hopLimit()).isEqualTo(64);
        assertThat(new Ipv6Address(ip.sourceHigh(), ip.sourceLow())).isEqualTo(src);
        assertThat(new Ipv6Address(ip.destinationHigh(), ip.destinationLow())).isEqualTo(dst);
        assertThat(ip.payloadOffset()).isEqualTo(40);
        // Same header bytes as the kernel's echo request.
        assertThat(buf.slice(0, 40)).isEqualTo(Captures.buffer("icmpv6-echo-request").slice(64, 40));

        ip.trafficClass(0xB8).hopLimit(1).nextHeader(17).payloadLength(8).source(1, 2).destination(3, 4);
        assertThat(ip.trafficClass()).isEqualTo(0xB8);
        assertThat(ip.flowLabel()).isEqualTo(0x8da77);
        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.sourceLow()).isEqualTo(2);
        assertThat(ip.destinationHigh()).isEqualTo(3);
    }

    @Test
    void reportsTruncationAndBadVersion() {
        Ipv6Encoder.write(buf, 0, 0, 1, 0, 2, 6, 20, 64);
        Ipv6Flyweight ip = new Ipv6Flyweight();
        assertThat(ip.wrap(buf, 0, 39).check()).isEqualTo(Malformed.TRUNCATED);
        assertThat(ip.wrap(buf, 0, 59).check()).isEqualTo(Malformed.TRUNCATED);
        assertThat(ip.wrap(buf, 0, 60).check()).isEqualTo(Malformed.NONE);
        buf.setByte(0, 0x40);
        assertThat(ip.check()).isEqualTo(Malformed.BAD_VERSION);
        assertThatThrownBy(() -> Ipv6Encoder.write(buf, 0, 0, 0, 0, 0, 6, 65536, 64)).hasMessageContaining("65536");
    }

    @ParameterizedTest
    @CsvSource({
            "2001:db8::1, 2001:db8::1",
            "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "fe80::42:c6ff:fe33:6401, fe80::42:c6ff:fe33:6401",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",      // RFC 5952 §4.2.2: never :: for one group
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",              // §4.2.3: the longest run
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",        // §4.2.3: the first of equal runs
            "::ffff:192.0.2.1, ::ffff:192.0.2.1",             // §5: IPv4-mapped
            "ff02::1:ff33:6402, ff02::1:ff33:6402",
    })
    void textFormsFollowRfc5952(String text, String canonical) {
        Ipv6Address address = Ipv6Address.parse(text);
        assertThat(address.toString()).isEqualTo(canonical);
        assertThat(Ipv6Address.parse(canonical)).isEqualTo(address);
    }

    @Test
    void parsesIntoNetworkOrderLongs() {
        Ipv6Address a = Ipv6Address.parse("2001:db8::2");
        assertThat(a.high()).isEqualTo(Captures.DOC_PREFIX_HIGH);
        assertThat(a.low()).isEqualTo(2);
        assertThat(Ipv6Address.parse("::ffff:192.0.2.1").low()).isEqualTo(0xFFFF_C000_0201L);
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[]{"", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1",
                "1:", ":1", "::1.2.3", "1.2.3.4", "::1%eth0", "2001:db8::/64", "1:2:3:4:5:6:7:1.2.3.4"}) {
            assertThatThrownBy(() -> Ipv6Address.parse(bad)).as(bad).hasMessageContaining("is not an IPv6 address");
        }
    }
}
