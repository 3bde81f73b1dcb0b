package io.trellis.vxlan.icmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.packet.VxlanPacketDecoder;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Encoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.trellis.vxlan.Captures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IcmpEncoderTest {
    private final ByteBuf buf = Unpooled.buffer(2048, 2048).writeZero(2048);

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void echoRequestMatchesTheKernelsBytes() {
        ByteBuf captured = Captures.buffer("icmp-echo-request");
        buf.setBytes(8, captured, 92, 56); // the ping payload, in place after the header
        assertThat(IcmpEncoder.writeEchoRequest(buf, 0, 31441, 1, 56)).isEqualTo(64);
        assertThat(buf.slice(0, 64)).isEqualTo(captured.slice(84, 64));
        IcmpFlyweight icmp = new IcmpFlyweight().wrap(buf, 0, 64);
        assertThat(icmp.check()).isEqualTo(Malformed.NONE);
        assertThat(icmp.checksum()).isEqualTo(0x7b3f);
    }

    @Test
    void echoReplyRoundTripsAndTurnsARequestAround() {
        assertThat(IcmpEncoder.writeEchoReply(buf, 0, 7, 9, 0)).isEqualTo(8);
        IcmpFlyweight icmp = new IcmpFlyweight().wrap(buf, 0, 8);
        assertThat(icmp.check()).isEqualTo(Malformed.NONE);
        assertThat(icmp.type()).isEqualTo(IcmpFlyweight.TYPE_ECHO_REPLY);
        assertThat(icmp.identifier()).isEqualTo(7);
        assertThat(icmp.sequenceNumber()).isEqualTo(9);
        // Request → reply in place: change the type, recompute.
        ByteBuf request = Captures.buffer("icmp-echo-request");
        IcmpFlyweight inPlace = new IcmpFlyweight().wrap(request, 84, 64);
        request.setByte(84, IcmpFlyweight.TYPE_ECHO_REPLY);
        assertThat(inPlace.check()).isEqualTo(Malformed.BAD_CHECKSUM);
        assertThat(inPlace.updateChecksum().check()).isEqualTo(Malformed.NONE);
        assertThat(inPlace.checksum()).isEqualTo(0x833f); // what B's kernel answered
    }

    @Test
    void quoteLengthsFollowRfc792AndRfc1812() {
        assertThat(IcmpEncoder.MIN_QUOTE_LENGTH).isEqualTo(28);
        assertThat(IcmpEncoder.MAX_QUOTE_LENGTH).isEqualTo(548);
        assertThat(IcmpEncoder.quoteLength(28)).isEqualTo(28);
        assertThat(IcmpEncoder.quoteLength(70)).isEqualTo(70);
        assertThat(IcmpEncoder.quoteLength(548)).isEqualTo(548);
        assertThat(IcmpEncoder.quoteLength(1500)).isEqualTo(548);
        assertThat(Icmpv6Encoder.MAX_QUOTE_LENGTH).isEqualTo(1232);
        assertThat(Icmpv6Encoder.quoteLength(1500)).isEqualTo(1232);
        assertThat(Icmpv6Encoder.quoteLength(100)).isEqualTo(100);
        assertThat(Icmpv6Encoder.packetTooBigLength(1500)).isEqualTo(1240);
    }

    @Test
    void fragmentationNeededQuotesAFullSizedPacketUpTo576Bytes() {
        // A 1500-byte DF packet that does not fit the 1450-byte overlay.
        ByteBuf original = Unpooled.buffer(1500, 1500).writeZero(1500);
        try {
            Ipv4Encoder.write(original, 0, OVERLAY_IP_A, OVERLAY_IP_B, 6, 1480, 64, 1, 0, true);
            int ip = EthernetEncoder.write(buf, 0, OVERLAY_MAC_A, OVERLAY_MAC_B, EtherType.IPV4_VALUE);
            int icmpLength = IcmpEncoder.writeFragmentationNeeded(buf, ip + 20, 1450, original, 0, 1500);
            assertThat(icmpLength).isEqualTo(8 + 548);
            Ipv4Encoder.write(buf, ip, OVERLAY_IP_B, OVERLAY_IP_A, IpProtocol.ICMP_NUMBER, icmpLength, 64, 0);
            assertThat(20 + icmpLength).isEqualTo(IcmpEncoder.MAX_ERROR_DATAGRAM_LENGTH);

            VxlanPacketDecoder decoder = new VxlanPacketDecoder();
            assertThat(decoder.decodeInnerFrame(buf, 0, 14 + 576)).isEqualTo(Malformed.NONE);
            IcmpFlyweight icmp = decoder.icmp();
            assertThat(icmp.type()).isEqualTo(3);
            assertThat(icmp.code()).isEqualTo(4);
            assertThat(icmp.isFragmentationNeeded()).isTrue();
            assertThat(buf.getUnsignedShort(icmp.offset() + 4)).as("unused").isZero();
            assertThat(icmp.nextHopMtu()).isEqualTo(1450);
            assertThat(icmp.bodyLength()).isEqualTo(548);
            assertThat(buf.slice(icmp.bodyOffset(), 548)).isEqualTo(original.slice(0, 548));
            Ipv4Flyweight quoted = new Ipv4Flyweight().wrap(buf, icmp.bodyOffset(), icmp.bodyLength());
            assertThat(quoted.totalLength()).isEqualTo(1500);
            assertThat(quoted.dontFragment()).isTrue();
            assertThat(original.readerIndex()).isZero();
        } finally {
            original.release();
        }
    }

    @Test
    void fragmentationNeededForAShortPacketQuotesAllOfIt() {
        ByteBuf captured = Captures.buffer("tcp-data");
        int length = IcmpEncoder.writeFragmentationNeeded(buf, 0, 1400, captured, 64, 70);
        assertThat(length).isEqualTo(78);
        IcmpFlyweight icmp = new IcmpFlyweight().wrap(buf, 0, length);
        assertThat(icmp.check()).isEqualTo(Malformed.NONE);
        assertThat(buf.slice(8, 70)).isEqualTo(captured.slice(64, 70));
        assertThatThrownBy(() -> IcmpEncoder.writeFragmentationNeeded(buf, 0, 65536, captured, 64, 70))
                .hasMessageContaining("65536");
    }

    @Test
    void icmpv6EchoMatchesTheKernelsBytes() {
        ByteBuf captured = Captures.buffer("icmpv6-echo-request");
        buf.setBytes(8, captured, 112, 56);
        int pseudo = InternetChecksum.pseudoHeaderSumIpv6(DOC_PREFIX_HIGH, 1, DOC_PREFIX_HIGH, 2, 58, 64);
        assertThat(Icmpv6Encoder.writeEchoRequest(buf, 0, 31443, 1, 56, pseudo)).isEqualTo(64);
        assertThat(buf.slice(0, 64)).isEqualTo(captured.slice(104, 64));
        int replyPseudo = InternetChecksum.pseudoHeaderSumIpv6(DOC_PREFIX_HIGH, 2, DOC_PREFIX_HIGH, 1, 58, 64);
        Icmpv6Encoder.writeEchoReply(buf, 0, 31443, 1, 56, replyPseudo);
        Icmpv6Flyweight icmp = new Icmpv6Flyweight().wrap(buf, 0, 64);
        assertThat(icmp.check()).isEqualTo(Malformed.NONE);
        assertThat(icmp.type()).isEqualTo(Icmpv6Flyweight.TYPE_ECHO_REPLY);
        assertThat(icmp.checksumValid(replyPseudo)).isTrue();
    }

    @Test
    void packetTooBigFillsExactlyTheMinimumIpv6Mtu() {
        ByteBuf original = Unpooled.buffer(1500, 1500).writeZero(1500);
        try {
            Ipv6Encoder.write(original, 0, DOC_PREFIX_HIGH, 1, DOC_PREFIX_HIGH, 2, 17, 1460, 64);
            int messageLength = Icmpv6Encoder.packetTooBigLength(1500);
            int ip = EthernetEncoder.write(buf, 0, OVERLAY_MAC_A, OVERLAY_MAC_B, EtherType.IPV6_VALUE);
            Ipv6Encoder.write(buf, ip, DOC_PREFIX_HIGH, 2, DOC_PREFIX_HIGH, 1, 58, messageLength, 64);
            int pseudo = InternetChecksum.pseudoHeaderSumIpv6(buf, ip, 58, messageLength);
            assertThat(Icmpv6Encoder.writePacketTooBig(buf, ip + 40, 1450, original, 0, 1500, pseudo)).isEqualTo(messageLength);
            assertThat(40 + messageLength).isEqualTo(1280);

            VxlanPacketDecoder decoder = new VxlanPacketDecoder();
            assertThat(decoder.decodeInnerFrame(buf, 0, 14 + 1280)).isEqualTo(Malformed.NONE);
            Icmpv6Flyweight icmp = decoder.icmpv6();
            assertThat(icmp.type()).isEqualTo(Icmpv6Flyweight.TYPE_PACKET_TOO_BIG);
            assertThat(icmp.code()).isZero();
            assertThat(icmp.isError()).isTrue();
            assertThat(icmp.mtu()).isEqualTo(1450);
            assertThat(icmp.bodyLength()).isEqualTo(1232);
            assertThat(buf.slice(icmp.bodyOffset(), 1232)).isEqualTo(original.slice(0, 1232));
            assertThatThrownBy(() -> Icmpv6Encoder.writePacketTooBig(buf, 0, -1, original, 0, 1500, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            original.release();
        }
    }

    @Test
    void truncatedAndCorruptMessages() {
        IcmpEncoder.writeEchoRequest(buf, 0, 1, 1, 0);
        assertThat(new IcmpFlyweight().wrap(buf, 0, 7).check()).isEqualTo(Malformed.TRUNCATED);
        assertThat(new Icmpv6Flyweight().wrap(buf, 0, 7).check()).isEqualTo(Malformed.TRUNCATED);
        buf.setByte(1, 1);
        assertThat(new IcmpFlyweight().wrap(buf, 0, 8).check()).isEqualTo(Malformed.BAD_CHECKSUM);
    }
}
