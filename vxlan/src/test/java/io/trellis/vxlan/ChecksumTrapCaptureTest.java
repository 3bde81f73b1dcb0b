package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static io.trellis.vxlan.Captures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/architecture.md, "The checksum trap": over a veth with default offloads, kernel VXLAN sends inner
 * TCP segments CHECKSUM_PARTIAL. The validator must report them as bad checksums, never crash, and
 * filling the checksum must make the whole packet verify.
 */
class ChecksumTrapCaptureTest {
    private final VxlanPacketDecoder decoder = new VxlanPacketDecoder();

    @ParameterizedTest
    @FieldSource("io.trellis.vxlan.Captures#PARTIAL")
    void checksumPartialPacketsAreReportedAsBadChecksumsNotCrashes(String name) {
        ByteBuf buf = buffer(name);
        // On the underlay, the outer UDP checksum is the first to fail: Linux made it with local
        // checksum offload, i.e. as if the inner TCP checksum were already filled in.
        assertThat(decoder.decodeUnderlayFrame(buf, 0, buf.capacity())).isEqualTo(Malformed.BAD_CHECKSUM);
        assertThat(decoder.failedLayer()).isEqualTo(Layer.OUTER_UDP);
        assertThat(decoder.has(Layer.OUTER_UDP)).isTrue();
        assertThat(decoder.has(Layer.VXLAN)).isFalse();
        // What a VTEP socket hands over: everything decodes, then the inner TCP checksum fails.
        assertThat(decoder.decodeDatagram(buf, 42, buf.capacity() - 42)).isEqualTo(Malformed.BAD_CHECKSUM);
        assertThat(decoder.failedLayer()).isEqualTo(Layer.INNER_TCP);
        assertThat(decoder.has(Layer.INNER_TCP)).isTrue();
        // The field holds only the folded pseudo-header sum the kernel expected a NIC to finish.
        Ipv4Flyweight ip = decoder.innerIpv4();
        int pseudo = InternetChecksum.pseudoHeaderSumIpv4(ip.source(), ip.destination(), 6, ip.payloadLength());
        assertThat(decoder.tcp().checksum()).isEqualTo(pseudo);
        // A data path that does not verify checksums passes it on.
        VxlanPacketDecoder lenient = new VxlanPacketDecoder(VxlanFlyweight.UDP_PORT, false, false);
        assertThat(lenient.decodeUnderlayFrame(buf, 0, buf.capacity())).isEqualTo(Malformed.NONE);
        assertThat(lenient.has(Layer.INNER_TCP)).isTrue();
    }

    @Test
    void fillingAPartialTcpChecksumMakesTheWholePacketVerify() {
        int[] expected = {0x7556, 0xc14f}; // what tcpdump computed for the two captures
        for (int i = 0; i < PARTIAL.size(); i++) {
            ByteBuf buf = buffer(PARTIAL.get(i));
            assertThat(decoder.decodeDatagram(buf, 42, buf.capacity() - 42)).isEqualTo(Malformed.BAD_CHECKSUM);
            Ipv4Flyweight ip = decoder.innerIpv4();
            TcpEncoder.writeChecksum(buf, ip.payloadOffset(), ip.payloadLength(),
                    InternetChecksum.pseudoHeaderSumIpv4(buf, ip.offset(), 6, ip.payloadLength()));
            assertThat(decoder.tcp().checksum()).isEqualTo(expected[i]);
            // With the inner checksum in place, the LCO outer UDP checksum verifies too.
            assertThat(decoder.decodeUnderlayFrame(buf, 0, buf.capacity())).isEqualTo(Malformed.NONE);
        }
    }

}
