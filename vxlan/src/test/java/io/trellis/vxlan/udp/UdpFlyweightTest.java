package io.trellis.vxlan.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpFlyweightTest {
    private static final int SRC = 0x0A00_0105;
    private static final int DST = 0x0A00_0106;
    private final ByteBuf buf = Unpooled.buffer(64, 64).writeZero(64);
    private final UdpFlyweight udp = new UdpFlyweight();

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void headerWithoutChecksumRoundTrips() {
        assertThat(UdpEncoder.write(buf, 0, 53000, 53, 12)).isEqualTo(8);
        udp.wrap(buf, 0, 20);
        assertThat(udp.check()).isEqualTo(Malformed.NONE);
        assertThat(udp.sourcePort()).isEqualTo(53000);
        assertThat(udp.destinationPort()).isEqualTo(53);
        assertThat(udp.udpLength()).isEqualTo(20);
        assertThat(udp.checksum()).isEqualTo(UdpFlyweight.NO_CHECKSUM);
        assertThat(udp.payloadOffset()).isEqualTo(8);
        assertThat(udp.payloadLength()).isEqualTo(12);
        assertThat(udp.checksumValid(0x1234)).as("zero means none was computed").isTrue();
    }

    @Test
    void checksumOverIpv4AndIpv6PseudoHeaders() {
        buf.setBytes(8, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int v4 = InternetChecksum.pseudoHeaderSumIpv4(SRC, DST, 17, 13);
        UdpEncoder.write(buf, 0, 1234, 5678, 5, v4);
        udp.wrap(buf, 0, 13);
        assertThat(udp.checksum()).isNotZero();
        assertThat(udp.checksumValid(v4)).isTrue();
        assertThat(udp.checksumValid(InternetChecksum.pseudoHeaderSumIpv4(SRC, DST + 1, 17, 13))).isFalse();
        int v6 = InternetChecksum.pseudoHeaderSumIpv6(0x2001_0db8L << 32, 5, 0x2001_0db8L << 32, 6, 17, 13);
        UdpEncoder.writeChecksum(buf, 0, v6);
        assertThat(udp.checksumValid(v6)).isTrue();
        // A NAT port rewrite with the incremental update keeps it valid.
        udp.sourcePort(40000).checksum(InternetChecksum.update16(udp.checksum(), 1234, 40000));
        assertThat(udp.checksumValid(v6)).isTrue();
    }

    @Test
    void aComputedZeroIsSentAsAllOnes() {
        // RFC 768: pick two payload bytes that make the sum 0xFFFF, so the checksum computes to 0.
        UdpEncoder.write(buf, 0, 1, 2, 2);
        int pseudo = InternetChecksum.pseudoHeaderSumIpv4(SRC, DST, 17, 10);
        int sum = InternetChecksum.add(pseudo, InternetChecksum.sum(buf, 0, 10));
        buf.setShort(8, ~sum & 0xFFFF);
        assertThat(InternetChecksum.checksum(buf, 0, 10, pseudo)).isZero();
        UdpEncoder.writeChecksum(buf, 0, pseudo);
        assertThat(udp.wrap(buf, 0, 10).checksum()).isEqualTo(0xFFFF);
        assertThat(udp.checksumValid(pseudo)).isTrue();
    }

    @Test
    void reportsTruncationAndBadLength() {
        UdpEncoder.write(buf, 0, 1, 2, 12);
        assertThat(udp.wrap(buf, 0, 7).check()).isEqualTo(Malformed.TRUNCATED);
        assertThat(udp.wrap(buf, 0, 19).check()).isEqualTo(Malformed.TRUNCATED);
        assertThat(udp.wrap(buf, 0, 64).check()).isEqualTo(Malformed.NONE);
        udp.udpLength(7);
        assertThat(udp.check()).isEqualTo(Malformed.BAD_LENGTH);
        assertThatThrownBy(() -> UdpEncoder.write(buf, 0, 1, 2, 65528)).hasMessageContaining("65528");
    }
}
