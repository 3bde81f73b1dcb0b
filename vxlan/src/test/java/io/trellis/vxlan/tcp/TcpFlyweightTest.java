package io.trellis.vxlan.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TcpFlyweightTest {
    private final ByteBuf buf = Unpooled.buffer(80, 80).writeZero(80);
    private final TcpFlyweight tcp = new TcpFlyweight();

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void encoderRoundTripsEveryField() {
        assertThat(TcpEncoder.write(buf, 0, 8080, 53796, 0xFFFF_FFF0L, 4080997758L,
                TcpFlyweight.FLAG_RST | TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_AE, 0)).isEqualTo(20);
        buf.setBytes(20, new byte[]{1, 2, 3});
        int pseudo = InternetChecksum.pseudoHeaderSumIpv4(Captures.OVERLAY_IP_B, Captures.OVERLAY_IP_A, 6, 23);
        TcpEncoder.writeChecksum(buf, 0, 23, pseudo);
        tcp.wrap(buf, 0, 23);
        assertThat(tcp.check()).isEqualTo(Malformed.NONE);
        assertThat(tcp.sourcePort()).isEqualTo(8080);
        assertThat(tcp.destinationPort()).isEqualTo(53796);
        assertThat(tcp.sequenceNumber()).isEqualTo(0xFFFF_FFF0L);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(4080997758L);
        assertThat(tcp.dataOffset()).isEqualTo(5);
        assertThat(tcp.optionsLength()).isZero();
        assertThat(tcp.flags()).isEqualTo(TcpFlyweight.FLAG_RST | TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_AE);
        assertThat(tcp.hasFlags(TcpFlyweight.FLAG_RST)).isTrue();
        assertThat(tcp.hasFlags(TcpFlyweight.FLAG_SYN)).isFalse();
        assertThat(tcp.window()).isZero();
        assertThat(tcp.urgentPointer()).isZero();
        assertThat(tcp.payloadOffset()).isEqualTo(20);
        assertThat(tcp.payloadLength()).isEqualTo(3);
        assertThat(tcp.mss()).isEqualTo(-1);
        assertThat(tcp.checksumValid(pseudo)).isTrue();

        tcp.flags(TcpFlyweight.FLAG_FIN).sequenceNumber(1).acknowledgmentNumber(2).window(512).sourcePort(1).destinationPort(2);
        assertThat(tcp.flags()).isEqualTo(TcpFlyweight.FLAG_FIN);
        assertThat(tcp.dataOffset()).as("flags() keeps the data offset").isEqualTo(5);
        assertThat(tcp.checksumValid(pseudo)).isFalse();
    }

    @Test
    void mssClampingOnACapturedSynKeepsTheChecksumValid() {
        ByteBuf syn = Captures.buffer("tcp-syn");
        tcp.wrap(syn, 84, 40);
        int pseudo = InternetChecksum.pseudoHeaderSumIpv4(syn, 64, 6, 40);
        int at = tcp.findOption(TcpFlyweight.OPTION_MSS);
        int old = syn.getUnsignedShort(at + 2);
        syn.setShort(at + 2, 1360);
        tcp.checksum(InternetChecksum.update16(tcp.checksum(), old, 1360));
        assertThat(tcp.mss()).isEqualTo(1360);
        assertThat(tcp.checksumValid(pseudo)).isTrue();
    }

    @Test
    void reportsTruncationHeaderLengthAndBadOptions() {
        TcpEncoder.write(buf, 0, 1, 2, 0, 0, TcpFlyweight.FLAG_SYN, 100);
        assertThat(tcp.wrap(buf, 0, 19).check()).isEqualTo(Malformed.TRUNCATED);
        buf.setByte(12, 4 << 4);
        assertThat(tcp.wrap(buf, 0, 20).check()).isEqualTo(Malformed.BAD_HEADER_LENGTH);
        buf.setByte(12, 8 << 4);
        assertThat(tcp.wrap(buf, 0, 31).check()).as("data offset 8 needs 32 bytes").isEqualTo(Malformed.TRUNCATED);
        tcp.wrap(buf, 0, 32);
        buf.setBytes(20, new byte[]{2, 4, 5, (byte) 0xb4, 1, 1, 1, 1, 0, 9, 9, 9}); // MSS 1460, NOPs, End, padding
        assertThat(tcp.check()).isEqualTo(Malformed.NONE);
        assertThat(tcp.mss()).isEqualTo(1460);
        assertThat(tcp.findOption(9)).as("nothing after End of Option List").isEqualTo(-1);
        buf.setBytes(20, new byte[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3}); // kind without a length byte
        assertThat(tcp.check()).isEqualTo(Malformed.BAD_OPTIONS);
        buf.setBytes(20, new byte[]{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // length 0 would loop forever
        assertThat(tcp.check()).isEqualTo(Malformed.BAD_OPTIONS);
        buf.setBytes(20, new byte[]{1, 1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0}); // timestamps running past the header
        assertThat(tcp.check()).isEqualTo(Malformed.BAD_OPTIONS);
        buf.setBytes(20, new byte[]{2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // an MSS option of the wrong length
        assertThat(tcp.check()).isEqualTo(Malformed.NONE);
        assertThat(tcp.mss()).isEqualTo(-1);
    }
}
