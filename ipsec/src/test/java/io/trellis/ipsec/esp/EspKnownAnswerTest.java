package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;

import static io.trellis.ipsec.esp.EspTestSupport.HEADROOM;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static io.trellis.ipsec.esp.EspTestSupport.bytes;
import static io.trellis.ipsec.esp.EspTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole ESP packets with known answers: one Trellis builds (checked against golden bytes, computed
 * once with Python {@code cryptography}, and against BouncyCastle's GCM assembling the same packet
 * field by field), and draft-mcgrew-gcm-test-01 packets that Trellis must open, whose IVs are not
 * sequence numbers, so the receiver infers the ESN high half from its window (RFC 4303 A2.2).
 */
class EspKnownAnswerTest {
    /** SPI 0x4321, ESN 0x00000002_00000000 (low half 0 on the wire), 61-byte payload 00 01 .. 3c, next header 17. */
    private static final String GOLDEN = "000043210000000000000002000000007da4082acf52ed09f5a230cb8083629f"
            + "f5652d2fec3da17f0a730983de247554a2ed94da303a5f15f5c945800b8e7fc6"
            + "55c69139c38906220523c64c9eb237322f37e97af1eaeb33802b87cd7c155c4d";
    private static final long GOLDEN_SEQ = 0x0000_0002_0000_0000L;

    private static byte[] goldenPayload() {
        byte[] payload = new byte[61];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        return payload;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void buildsTheGoldenPacket(Kind kind) {
        SecurityAssociation sa = SecurityAssociation.outboundAfter(GOLDEN_SEQ - 1, SPI, KEYMAT_128);
        byte[] payload = goldenPayload();
        ByteBuf buf = EspTestSupport.withPayload(kind, payload);
        int length = new EspOutbound(new EspCounters()).encrypt(sa, buf, HEADROOM, payload.length, 17);
        assertThat(length).isEqualTo(EspFlyweight.packetLength(61)).isEqualTo(96);
        assertThat(hex(bytes(buf, 0, length))).isEqualTo(GOLDEN);
    }

    /** The same packet assembled independently: header, then BouncyCastle GCM over payload | pad | pad length | next header. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void bouncyCastleAssemblesTheSamePacket(Kind kind) throws Exception {
        byte[] payload = goldenPayload();
        byte[] trailer = {1, 1, 17}; // padding 1, pad length 1, next header 17: 61 + 3 = 64, a multiple of 4
        byte[] plaintext = ByteBuffer.allocate(64).put(payload).put(trailer).array();
        byte[] nonce = ByteBuffer.allocate(12).put(KEYMAT_128, 16, 4).putLong(GOLDEN_SEQ).array();
        byte[] aad = ByteBuffer.allocate(12).putInt(SPI).putLong(GOLDEN_SEQ).array();
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(KEYMAT_128, 0, 16), 128, nonce, aad));
        byte[] sealed = new byte[80];
        gcm.doFinal(sealed, gcm.processBytes(plaintext, 0, 64, sealed, 0));
        byte[] expected = ByteBuffer.allocate(96).putInt(SPI).putInt((int) GOLDEN_SEQ).putLong(GOLDEN_SEQ).put(sealed).array();

        SecurityAssociation sa = SecurityAssociation.outboundAfter(GOLDEN_SEQ - 1, SPI, KEYMAT_128);
        ByteBuf buf = EspTestSupport.withPayload(kind, payload);
        int length = new EspOutbound(new EspCounters()).encrypt(sa, buf, HEADROOM, payload.length, 17);
        assertThat(hex(bytes(buf, 0, length))).isEqualTo(hex(expected)).isEqualTo(GOLDEN);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void opensTheGoldenPacket(Kind kind) {
        SecurityAssociation sa = SecurityAssociation.inbound(SPI, KEYMAT_128, "peer", 1);
        EspInbound inbound = new EspInbound(EspTestSupport.sad(sa), new EspCounters());
        ByteBuf buf = EspTestSupport.copy(kind, hex(GOLDEN));
        assertThat(inbound.decrypt(buf, 0, 96)).isEqualTo(InboundResult.OK);
        assertThat(inbound.sequenceNumber()).isEqualTo(GOLDEN_SEQ);
        assertThat(inbound.payloadOffset()).isEqualTo(16);
        assertThat(inbound.nextHeader()).isEqualTo(17);
        assertThat(bytes(buf, inbound.payloadOffset(), inbound.payloadLength())).isEqualTo(goldenPayload());
        assertThat(inbound.securityAssociation()).isSameAs(sa);
    }

    /**
     * draft-mcgrew-gcm-test-01 §4, the ICMP echo with SPI 0x4321 and ESN 0x87654321_00000007:
     * padding 01 02, pad length 2, next header 1 (transport-mode ICMP).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void opensAForeignPacketInferringTheHighHalfFromTheWindow(Kind kind) {
        byte[] keymat = hex("4c80cdefbb5d10da906ac73c3613a634" + "22433c64");
        String packet = "00004321" + "00000007" + "4855ec7d3a234bfd"
                + "74752e8aeb5d873cd7c0f4acc36c4bff84b7d7b98f0ca8b6acda6894bc619069"
                + "ef9cbc28fe1b56a7c4e0d58c86cd2bc0";
        SecurityAssociation sa = SecurityAssociation.inbound(0x4321, keymat, "peer", 1);
        EspInbound inbound = new EspInbound(EspTestSupport.sad(sa), new EspCounters());

        // A fresh window would infer high half 0: the ICV then fails and nothing moves.
        ByteBuf fresh = EspTestSupport.copy(kind, hex(packet));
        assertThat(inbound.decrypt(fresh, 0, fresh.capacity())).isEqualTo(InboundResult.AUTH_FAILED);
        assertThat(sa.replayWindow().highest()).isZero();

        // Once packets up to ...0002 have been received, A2.2 case A infers 0x87654321.
        sa.replayWindow().update(0x8765_4321_0000_0002L);
        ByteBuf buf = EspTestSupport.copy(kind, hex(packet));
        assertThat(inbound.decrypt(buf, 0, buf.capacity())).isEqualTo(InboundResult.OK);
        assertThat(inbound.sequenceNumber()).isEqualTo(0x8765_4321_0000_0007L);
        assertThat(inbound.nextHeader()).isEqualTo(1);
        assertThat(hex(bytes(buf, inbound.payloadOffset(), inbound.payloadLength())))
                .isEqualTo("0800c6cd020007006162636465666768696a6b6c6d6e6f7071727374");
    }
}
