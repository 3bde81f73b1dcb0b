package io.trellis.vxlan.arp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Captures;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ethernet.MacBits;
import org.junit.jupiter.api.Test;

import static io.trellis.vxlan.Captures.*;
import static org.assertj.core.api.Assertions.assertThat;

class ArpEncoderTest {

    @Test
    void requestIsByteForByteWhatTheKernelSent() {
        ByteBuf buf = Unpooled.buffer(42);
        try {
            int n = EthernetEncoder.write(buf, 0, MacBits.BROADCAST, OVERLAY_MAC_A, EtherType.ARP_VALUE);
            n += ArpEncoder.writeRequest(buf, n, OVERLAY_MAC_A, OVERLAY_IP_A, OVERLAY_IP_B);
            assertThat(n).isEqualTo(42);
            byte[] captured = Captures.bytes("arp-request");
            assertThat(ByteBufUtil.getBytes(buf, 0, 42)).containsExactly(java.util.Arrays.copyOfRange(captured, 50, 92));
        } finally {
            buf.release();
        }
    }

    @Test
    void replyRoundTrips() {
        ByteBuf buf = Unpooled.buffer(28);
        try {
            assertThat(ArpEncoder.writeReply(buf, 0, OVERLAY_MAC_B, OVERLAY_IP_B, OVERLAY_MAC_A, OVERLAY_IP_A)).isEqualTo(28);
            ArpFlyweight arp = new ArpFlyweight().wrap(buf, 0, 28);
            assertThat(arp.check()).isEqualTo(Malformed.NONE);
            assertThat(arp.operation()).isEqualTo(ArpOperation.REPLY_CODE);
            assertThat(arp.senderHardwareAddress()).isEqualTo(OVERLAY_MAC_B);
            assertThat(arp.senderProtocolAddress()).isEqualTo(OVERLAY_IP_B);
            assertThat(arp.targetHardwareAddress()).isEqualTo(OVERLAY_MAC_A);
            assertThat(arp.targetProtocolAddress()).isEqualTo(OVERLAY_IP_A);
            assertThat(Captures.bytes("arp-reply")).endsWith(ByteBufUtil.getBytes(buf, 0, 28));
        } finally {
            buf.release();
        }
    }

    @Test
    void requestTurnedIntoAReplyInPlaceLikeAnArpProxy() {
        ByteBuf buf = Captures.buffer("arp-request");
        ArpFlyweight arp = new ArpFlyweight().wrap(buf, 64, 28);
        long requester = arp.senderHardwareAddress();
        int requesterIp = arp.senderProtocolAddress();
        int wanted = arp.targetProtocolAddress();
        arp.operation(ArpOperation.REPLY_CODE)
                .targetHardwareAddress(requester).targetProtocolAddress(requesterIp)
                .senderHardwareAddress(OVERLAY_MAC_B).senderProtocolAddress(wanted);
        assertThat(ByteBufUtil.getBytes(buf, 64, 28)).containsExactly(java.util.Arrays.copyOfRange(Captures.bytes("arp-reply"), 64, 92));
    }

    @Test
    void malformedAndUnsupportedPackets() {
        ByteBuf buf = Unpooled.buffer(28).writeZero(28);
        try {
            ArpEncoder.writeRequest(buf, 0, OVERLAY_MAC_A, OVERLAY_IP_A, OVERLAY_IP_B);
            ArpFlyweight arp = new ArpFlyweight();
            assertThat(arp.wrap(buf, 0, 7).check()).isEqualTo(Malformed.TRUNCATED);
            assertThat(arp.wrap(buf, 0, 27).check()).isEqualTo(Malformed.TRUNCATED);
            buf.setShort(ArpFlyweight.HARDWARE_TYPE_OFFSET, 6); // IEEE 802 networks
            assertThat(arp.wrap(buf, 0, 28).check()).isEqualTo(Malformed.UNSUPPORTED);
            buf.setShort(ArpFlyweight.HARDWARE_TYPE_OFFSET, 1);
            buf.setByte(ArpFlyweight.PROTOCOL_LENGTH_OFFSET, 16);
            assertThat(arp.check()).isEqualTo(Malformed.UNSUPPORTED);
            buf.setByte(ArpFlyweight.PROTOCOL_LENGTH_OFFSET, 4);
            buf.setShort(ArpFlyweight.OPERATION_OFFSET, 9); // InARP: unknown but legal
            assertThat(arp.check()).isEqualTo(Malformed.NONE);
            assertThat(ArpOperation.valueOf(arp.operation())).hasToString("UNKNOWN(9)").isEqualTo(ArpOperation.valueOf(9));
        } finally {
            buf.release();
        }
    }

    @Test
    void gratuitousArpIsRecognised() {
        ByteBuf buf = Unpooled.buffer(28);
        try {
            ArpEncoder.writeRequest(buf, 0, OVERLAY_MAC_A, OVERLAY_IP_A, OVERLAY_IP_A);
            assertThat(new ArpFlyweight().wrap(buf, 0, 28).isGratuitous()).isTrue();
        } finally {
            buf.release();
        }
    }
}
