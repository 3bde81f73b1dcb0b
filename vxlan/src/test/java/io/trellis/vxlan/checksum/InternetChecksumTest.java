package io.trellis.vxlan.checksum;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class InternetChecksumTest {

    private static ByteBuf bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return Unpooled.wrappedBuffer(b);
    }

    /** Straight from RFC 1071 §1: 16-bit words, end-around carry after every addition. */
    private static int referenceSum(byte[] data, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            int word = (data[offset + i] & 0xFF) << 8 | (i + 1 < length ? data[offset + i + 1] & 0xFF : 0);
            sum += word;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 2ddf0, folded ddf2.
        ByteBuf buf = bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
        assertThat(InternetChecksum.sum(buf, 0, 8)).isEqualTo(0xddf2);
        assertThat(InternetChecksum.checksum(buf, 0, 8)).isEqualTo(0x220d);
        // Byte-order independence (RFC 1071 §2(B)): the byte-swapped data sums to the swapped result f2dd.
        ByteBuf swapped = bytes(0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6);
        assertThat(InternetChecksum.sum(swapped, 0, 8)).isEqualTo(0xf2dd);
        // Stored in place of a zero checksum, the data verifies (sums to all ones).
        ByteBuf withChecksum = bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x22, 0x0d);
        assertThat(InternetChecksum.verify(withChecksum, 0, 10)).isTrue();
    }

    @Test
    void oddLengthIsPaddedWithAZeroByteOnTheRight() {
        ByteBuf buf = bytes(0x12, 0x34, 0x56);
        assertThat(InternetChecksum.sum(buf, 0, 3)).isEqualTo(0x1234 + 0x5600);
        assertThat(InternetChecksum.sum(buf, 2, 1)).isEqualTo(0x5600);
        assertThat(InternetChecksum.sum(buf, 0, 0)).isZero();
    }

    @Test
    void matchesTheWordByWordReferenceAtEveryOffsetAndLength() {
        SplittableRandom random = new SplittableRandom(1071);
        byte[] data = new byte[1600];
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (round % 3 == 0 ? 0xFF : random.nextInt(256));
            }
            int offset = random.nextInt(64);
            int length = random.nextInt(data.length - offset);
            assertThat(InternetChecksum.sum(Unpooled.wrappedBuffer(data), offset, length))
                    .as("offset %d length %d", offset, length)
                    .isEqualTo(referenceSum(data, offset, length));
        }
    }

    @Test
    void rawMemoryPathMatchesTheReferenceOnBothSidesOfItsThreshold() {
        SplittableRandom random = new SplittableRandom(1624);
        byte[] data = new byte[1600];
        ByteBuf direct = Unpooled.wrappedBuffer(java.nio.ByteBuffer.allocateDirect(data.length));
        int[] lengths = {0, 1, 2, 63, 64, 65, InternetChecksum.NATIVE_MIN - 1, InternetChecksum.NATIVE_MIN,
            InternetChecksum.NATIVE_MIN + 1, InternetChecksum.NATIVE_MIN + 7, 1397, 1398, 1535};
        for (int round = 0; round < 300; round++) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (round % 3 == 0 ? 0xFF : random.nextInt(256));
            }
            direct.setBytes(0, data);
            int offset = random.nextInt(64);
            int length = round < lengths.length ? lengths[round] : random.nextInt(data.length - offset);
            assertThat(InternetChecksum.sum(direct, offset, length))
                    .as("direct, offset %d length %d", offset, length)
                    .isEqualTo(referenceSum(data, offset, length));
        }
    }

    @Test
    void rangesCombineWithAdd() {
        ByteBuf buf = Captures.buffer("tcp-data");
        int whole = InternetChecksum.sum(buf, 0, 134);
        assertThat(InternetChecksum.add(InternetChecksum.sum(buf, 0, 64), InternetChecksum.sum(buf, 64, 70))).isEqualTo(whole);
    }

    @Test
    void rfc1624IncrementalUpdateExample() {
        // RFC 1624 §4: m = 0x5555 becomes m' = 0x3285; the other header words sum to 0xCD7A.
        int c = 0xCD7A;
        int hc = InternetChecksum.complement(InternetChecksum.add(c, 0x5555));
        assertThat(hc).isEqualTo(0xDD2F);
        int recomputed = InternetChecksum.complement(InternetChecksum.add(c, 0x3285));
        assertThat(recomputed).isEqualTo(0x0000);
        // Eqn. 3 gives the recomputed 0x0000; RFC 1141's eqn. 2 (HC + m + ~m') would give 0xFFFF.
        assertThat(InternetChecksum.update16(hc, 0x5555, 0x3285)).isEqualTo(0x0000);
        int eqn2 = InternetChecksum.add(InternetChecksum.add(hc, 0x5555), ~0x3285 & 0xFFFF);
        assertThat(eqn2).isEqualTo(0xFFFF);
    }

    @Test
    void incrementalUpdateEqualsFullRecomputeForRandomHeaders() {
        SplittableRandom random = new SplittableRandom(1624);
        ByteBuf header = Unpooled.buffer(20, 20).writeZero(20);
        for (int round = 0; round < 100_000; round++) {
            for (int i = 0; i < 20; i += 4) {
                header.setInt(i, random.nextInt());
            }
            if (round % 10 == 0) {
                header.setZero(0, 20); // all-zero and near-zero headers hit the ±0 corner cases
                header.setShort(2 * random.nextInt(10), random.nextInt(3));
            }
            header.setShort(10, 0);
            header.setShort(10, InternetChecksum.checksum(header, 0, 20));
            int checksum = header.getUnsignedShort(10);
            int field = 2 * random.nextInt(4) + (random.nextBoolean() ? 12 : 0); // a word, never the checksum
            if (random.nextBoolean()) {
                int old = header.getUnsignedShort(field);
                int now = random.nextInt(4) == 0 ? old : random.nextInt(0x10000);
                header.setShort(field, now);
                checksum = InternetChecksum.update16(checksum, old, now);
            } else {
                int at = random.nextBoolean() ? 12 : 16;
                int old = header.getInt(at);
                int now = random.nextInt();
                header.setInt(at, now);
                checksum = InternetChecksum.update32(checksum, old, now);
            }
            header.setShort(10, 0);
            int full = InternetChecksum.checksum(header, 0, 20);
            if (full != checksum) {
                // Both are correct checksums only if they differ by the two zeros of ones' complement,
                // which happens only for an all-zero header (RFC 1624 §3).
                assertThat(InternetChecksum.sum(header, 0, 20)).as("round %d", round).isZero();
            }
        }
    }

    @Test
    void natRewriteOfACapturedSegmentKeepsBothChecksumsValid() {
        ByteBuf buf = Captures.buffer("tcp-data");
        Ipv4Flyweight ip = new Ipv4Flyweight().wrap(buf, 64, 70);
        TcpFlyweight tcp = new TcpFlyweight().wrap(buf, 84, 50);
        int newSource = 0x0A00_0105;
        int newPort = 40000;
        // Source address: in the IPv4 header checksum and, through the pseudo-header, in TCP's.
        int oldSource = ip.source();
        ip.source(newSource).headerChecksum(InternetChecksum.update32(ip.headerChecksum(), oldSource, newSource));
        tcp.checksum(InternetChecksum.update32(tcp.checksum(), oldSource, newSource));
        int oldPort = tcp.sourcePort();
        tcp.sourcePort(newPort).checksum(InternetChecksum.update16(tcp.checksum(), oldPort, newPort));

        assertThat(ip.check()).isEqualTo(io.trellis.vxlan.Malformed.NONE);
        assertThat(tcp.checksumValid(InternetChecksum.pseudoHeaderSumIpv4(buf, 64, 6, 50))).isTrue();
        int incremental = tcp.checksum();
        tcp.checksum(0).checksum(InternetChecksum.checksum(buf, 84, 50, InternetChecksum.pseudoHeaderSumIpv4(buf, 64, 6, 50)));
        assertThat(incremental).isEqualTo(tcp.checksum());
    }

    @Test
    void pseudoHeaderSumsReadFromTheHeaderMatchThePrimitiveForms() {
        ByteBuf v4 = Captures.buffer("tcp-syn");
        assertThat(InternetChecksum.pseudoHeaderSumIpv4(v4, 64, 6, 40))
                .isEqualTo(InternetChecksum.pseudoHeaderSumIpv4(Captures.OVERLAY_IP_A, Captures.OVERLAY_IP_B, 6, 40));
        // By hand: c633 + 6401 + c633 + 6402 + 0006 + 0028 = 0x25497, folded 0x5499 (the partial capture's field).
        assertThat(InternetChecksum.pseudoHeaderSumIpv4(Captures.OVERLAY_IP_A, Captures.OVERLAY_IP_B, 6, 40)).isEqualTo(0x5499);
        // IPv6: the upper-layer length is 32 bits (RFC 8200 §8.1), so lengths above 65535 still count.
        int a = InternetChecksum.pseudoHeaderSumIpv6(0, 0, 0, 0, 17, 0x1_0000);
        assertThat(a).isEqualTo(1 + 17);
    }
}
