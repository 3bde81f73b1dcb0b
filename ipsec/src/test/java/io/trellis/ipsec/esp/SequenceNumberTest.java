package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.trellis.ipsec.esp.EspTestSupport.HEADROOM;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static io.trellis.ipsec.esp.EspTestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sender's counter (RFC 4303 §3.3.3): it asks for a rekey from 2^63, refuses to go past 2^64 − 1
 * (never cycles), and a new SA with the same key starts above every number an earlier one used.
 * Near-limit counters come from the {@code outboundAfter} test hook.
 */
class SequenceNumberTest {
    private static final byte[] PAYLOAD = EspTestSupport.payload(1400, 7);

    private final EspCounters counters = new EspCounters();
    private final EspOutbound outbound = new EspOutbound(counters);
    private final SecurityAssociation receiver = SecurityAssociation.inbound(SPI, KEYMAT_128, "a", 1);
    private final EspInbound inbound = new EspInbound(EspTestSupport.sad(receiver), counters);

    private InboundResult open(ByteBuf packet) {
        return inbound.decrypt(packet, 0, packet.capacity());
    }

    @Test
    void refusesToSendPastTheLastSequenceNumberAndAsksForRekeyFirst() {
        SecurityAssociation nearWrap = SecurityAssociation.outboundAfter(-4L, SPI, KEYMAT_128); // 2^64 - 4 sent
        assertThat(nearWrap.rekeyNeeded()).isTrue();
        List<ByteBuf> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(EspTestSupport.seal(outbound, nearWrap, Kind.DIRECT, PAYLOAD, 17));
        }
        assertThat(nearWrap.lastSequenceNumber()).isEqualTo(-1L);

        ByteBuf refused = EspTestSupport.withPayload(Kind.DIRECT, PAYLOAD);
        byte[] before = bytes(refused, 0, refused.capacity());
        assertThat(outbound.encrypt(nearWrap, refused, HEADROOM, PAYLOAD.length, 17)).isEqualTo(EspOutbound.SEQUENCE_EXHAUSTED);
        assertThat(outbound.encrypt(nearWrap, refused, HEADROOM, PAYLOAD.length, 17)).isEqualTo(EspOutbound.SEQUENCE_EXHAUSTED);
        assertThat(bytes(refused, 0, refused.capacity())).as("nothing written").isEqualTo(before);
        assertThat(nearWrap.lastSequenceNumber()).as("the counter never cycles").isEqualTo(-1L);
        assertThat(counters.sequenceExhausted()).isEqualTo(2);

        // The last three numbers are still valid on the wire, up to 2^64 - 1.
        for (ByteBuf packet : sent) {
            assertThat(open(packet)).isEqualTo(InboundResult.OK);
        }
        assertThat(inbound.sequenceNumber()).isEqualTo(-1L);
    }

    @Test
    void asksForRekeyFromHalfTheSequenceSpace() {
        SecurityAssociation below = SecurityAssociation.outboundAfter(SecurityAssociation.REKEY_SEQUENCE_NUMBER - 2, SPI, KEYMAT_128);
        assertThat(below.rekeyNeeded()).isFalse();
        EspTestSupport.seal(outbound, below, Kind.HEAP, PAYLOAD, 17);
        assertThat(below.rekeyNeeded()).isFalse();
        EspTestSupport.seal(outbound, below, Kind.HEAP, PAYLOAD, 17);
        assertThat(below.rekeyNeeded()).isTrue();
    }

    @Test
    void newOutboundSaStartsAboveEveryEarlierRun() {
        // Keys are derived, so a restarted sender has the same key: it must not count from 1 again.
        SecurityAssociation first = SecurityAssociation.outbound(SPI, KEYMAT_128, "b", 1);
        for (int i = 0; i < 1000; i++) {
            EspTestSupport.seal(outbound, first, Kind.HEAP, new byte[4], 17);
        }
        SecurityAssociation restarted = SecurityAssociation.outbound(SPI, KEYMAT_128, "b", 1);
        assertThat(Long.compareUnsigned(restarted.lastSequenceNumber(), first.lastSequenceNumber())).isPositive();
        assertThat(first.rekeyNeeded()).isFalse();
        // And the receiver follows the jump (the high half comes from the IV).
        ByteBuf before = EspTestSupport.seal(outbound, first, Kind.HEAP, PAYLOAD, 17);
        ByteBuf after = EspTestSupport.seal(outbound, restarted, Kind.HEAP, PAYLOAD, 17);
        assertThat(open(before)).isEqualTo(InboundResult.OK);
        assertThat(open(after)).isEqualTo(InboundResult.OK);
        assertThat(inbound.sequenceNumber()).isEqualTo(restarted.lastSequenceNumber());
    }
}
