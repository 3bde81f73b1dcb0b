package io.trellis.vxlan.ipv6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.NetUtil;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
        long[] src = ipv6("2001:db8::1");
        long[] dst = ipv6("2001:db8::2");
        assertThat(Ipv6Encoder.write(buf, 0, src[0], src[1], dst[0], dst[1], IpProtocol.ICMPV6_NUMBER, 64, 64))
                .isEqualTo(40);
        Ipv6Flyweight ip = new Ipv6Flyweight().wrap(buf, 0, 104).flowLabel(0x8da77);
        assertThat(ip.check()).isEqualTo(Malformed.NONE);
        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.trafficClass()).isZero();
        assertThat(ip.flowLabel()).isEqualTo(0x8da77);
        assertThat(ip.payloadLength()).isEqualTo(64);
        assertThat(ip.nextHeader()).isEqualTo(58);
        assertThat(ip.hopLimit()).isEqualTo(64);
        assertThat(new long[] {ip.sourceHigh(), ip.sourceLow()}).isEqualTo(src);
        assertThat(new long[] {ip.destinationHigh(), ip.destinationLow()}).isEqualTo(dst);
        assertThat(text(ip.sourceHigh(), ip.sourceLow())).isEqualTo("2001:db8::1");
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

    @Test
    void literalsBecomeNetworkOrderLongs() {
        assertThat(ipv6("2001:db8::2")).containsExactly(Captures.DOC_PREFIX_HIGH, 2);
        assertThat(ipv6("::ffff:192.0.2.1")[1]).isEqualTo(0xFFFF_C000_0201L);
        assertThat(text(Captures.DOC_PREFIX_HIGH, 2)).isEqualTo("2001:db8::2");
    }

    /** An IPv6 literal (never a name: NetUtil does not resolve) as the flyweight's high and low longs. */
    private static long[] ipv6(String literal) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        assertThat(bytes).as(literal).hasSize(16);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new long[] {b.getLong(), b.getLong()};
    }

    /** RFC 5952 text of the address the flyweight holds as {@code high} and {@code low}. */
    private static String text(long high, long low) {
        return NetUtil.bytesToIpAddress(ByteBuffer.allocate(16).putLong(high).putLong(low).array());
    }
}
