package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import org.junit.jupiter.api.Test;

import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_256;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static org.assertj.core.api.Assertions.assertThat;

/** Without copy-back, a direct packet's plaintext is read from the receiver's scratch buffer, and only there. */
class EspInboundPlaintextBufferTest {
    @Test
    void withoutCopyBackTheDirectPacketKeepsItsCiphertextAndThePlaintextIsInPayloadBuffer() {
        EspCounters counters = new EspCounters();
        SecurityAssociation out = SecurityAssociation.outbound(SPI, KEYMAT_256, "b", 1);
        SecurityAssociation in = SecurityAssociation.inbound(SPI, KEYMAT_256, "a", 1);
        EspInbound inbound = new EspInbound(EspTestSupport.sad(in), counters, false);
        for (int length : new int[] {0, 1, 61, 1400, 3000}) { // 3000: the scratch array grows
            byte[] payload = EspTestSupport.payload(length, length);
            ByteBuf direct = EspTestSupport.seal(new EspOutbound(counters), out, Kind.DIRECT, payload, 17);
            byte[] sealed = EspTestSupport.bytes(direct, 0, direct.capacity());
            assertThat(inbound.decrypt(direct, 0, direct.capacity())).isEqualTo(InboundResult.OK);
            assertThat(inbound.payloadBuffer()).isNotSameAs(direct);
            assertThat(EspTestSupport.bytes(inbound.payloadBuffer(), inbound.payloadOffset(), inbound.payloadLength()))
                    .isEqualTo(payload);
            assertThat(EspTestSupport.bytes(direct, 0, direct.capacity())).as("no copy back").isEqualTo(sealed);

            ByteBuf heap = EspTestSupport.seal(new EspOutbound(counters), out, Kind.HEAP, payload, 17);
            assertThat(inbound.decrypt(heap, 0, heap.capacity())).isEqualTo(InboundResult.OK);
            assertThat(inbound.payloadBuffer()).as("arrays are opened in place").isSameAs(heap);
            assertThat(EspTestSupport.bytes(heap, inbound.payloadOffset(), inbound.payloadLength())).isEqualTo(payload);
        }
    }
}
