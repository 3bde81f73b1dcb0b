package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static io.trellis.ipsec.esp.EspTestSupport.HEADROOM;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_256;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static io.trellis.ipsec.esp.EspTestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tampered, replayed, stale, wrongly keyed and malformed packets are dropped with the right reason,
 * counted, and never release plaintext: a packet rejected after decryption has its ciphertext and
 * ICV region zeroed, one rejected before is left as received (still ciphertext).
 */
class EspSecurityTest {
    private static final byte[] PAYLOAD = EspTestSupport.payload(1400, 7);

    private final EspCounters counters = new EspCounters();
    private final EspOutbound outbound = new EspOutbound(counters);
    private final SecurityAssociation sender = SecurityAssociation.outbound(SPI, KEYMAT_128, "b", 1);
    private final SecurityAssociation receiver = SecurityAssociation.inbound(SPI, KEYMAT_128, "a", 1);
    private final EspInbound inbound = new EspInbound(EspTestSupport.sad(receiver), counters);

    private ByteBuf seal(Kind kind) {
        return EspTestSupport.seal(outbound, sender, kind, PAYLOAD, 17);
    }

    private InboundResult open(ByteBuf packet) {
        return inbound.decrypt(packet, 0, packet.capacity());
    }

    /** True if any 32-byte block of the payload appears anywhere in the packet. */
    private static boolean containsPlaintext(ByteBuf packet) {
        byte[] bytes = bytes(packet, 0, packet.capacity());
        for (int i = 0; i + 32 <= bytes.length; i++) {
            for (int j = 0; j + 32 <= PAYLOAD.length; j += 32) {
                if (Arrays.equals(bytes, i, i + 32, PAYLOAD, j, j + 32)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean zeroedAfterHeader(ByteBuf packet) {
        for (int i = EspFlyweight.PAYLOAD_OFFSET; i < packet.capacity(); i++) {
            if (packet.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void roundTripDeliversThePayload(Kind kind) {
        ByteBuf packet = seal(kind);
        assertThat(packet.capacity()).isEqualTo(16 + 1400 + 2 + 2 + 16);
        assertThat(containsPlaintext(packet)).isFalse();
        assertThat(open(packet)).isEqualTo(InboundResult.OK);
        assertThat(bytes(packet, inbound.payloadOffset(), inbound.payloadLength())).isEqualTo(PAYLOAD);
        assertThat(inbound.nextHeader()).isEqualTo(17);
        assertThat(inbound.securityAssociation().peer()).isEqualTo("a");
        assertThat(counters.packetsEncrypted()).isEqualTo(1);
        assertThat(counters.packetsDecrypted()).isEqualTo(1);
        assertThat(counters.bytesEncrypted()).isEqualTo(1400);
        assertThat(counters.bytesDecrypted()).isEqualTo(1400);
        assertThat(counters.drops()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropsTamperedCiphertextAndZeroesIt(Kind kind) {
        ByteBuf packet = seal(kind);
        packet.setByte(700, packet.getByte(700) ^ 0x40);
        assertThat(open(packet)).isEqualTo(InboundResult.AUTH_FAILED);
        assertThat(zeroedAfterHeader(packet)).isTrue();
        assertThat(counters.drops(InboundResult.AUTH_FAILED)).isEqualTo(1);
        assertThat(counters.packetsDecrypted()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropsTamperedIcv(Kind kind) {
        ByteBuf packet = seal(kind);
        int last = packet.capacity() - 1;
        packet.setByte(last, packet.getByte(last) ^ 0x01);
        assertThat(open(packet)).isEqualTo(InboundResult.AUTH_FAILED);
        assertThat(zeroedAfterHeader(packet)).isTrue();
    }

    @Test
    void dropsTamperedSpi() {
        ByteBuf packet = seal(Kind.HEAP);
        packet.setByte(3, packet.getByte(3) ^ 0x01);
        byte[] before = bytes(packet, 0, packet.capacity());
        assertThat(open(packet)).isEqualTo(InboundResult.BAD_SPI);
        assertThat(bytes(packet, 0, packet.capacity())).as("left as received").isEqualTo(before);
        assertThat(counters.drops(InboundResult.BAD_SPI)).isEqualTo(1);
    }

    @Test
    void dropsAnSpiOfAnotherSaWhoseKeyDiffers() {
        SecurityAssociation other = SecurityAssociation.inbound(SPI, KEYMAT_256, "a", 2);
        EspInbound wrongKey = new EspInbound(EspTestSupport.sad(other), counters);
        ByteBuf packet = seal(Kind.DIRECT);
        assertThat(wrongKey.decrypt(packet, 0, packet.capacity())).isEqualTo(InboundResult.AUTH_FAILED);
        assertThat(containsPlaintext(packet)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropsTamperedSequenceNumber(Kind kind) {
        ByteBuf packet = seal(kind);
        packet.setByte(7, packet.getByte(7) ^ 0x01);
        assertThat(open(packet)).isEqualTo(InboundResult.AUTH_FAILED);
        // The high half travels only in the AAD: a changed high half of the IV fails too.
        ByteBuf other = seal(kind);
        other.setByte(8, other.getByte(8) ^ 0x01);
        assertThat(open(other)).isIn(InboundResult.AUTH_FAILED, InboundResult.TOO_OLD);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropsTamperedIv(Kind kind) {
        ByteBuf packet = seal(kind);
        packet.setByte(15, packet.getByte(15) ^ 0x80); // IV low half no longer equals the sequence number
        assertThat(open(packet)).isEqualTo(InboundResult.AUTH_FAILED);
    }

    /** Every single-bit change anywhere in a packet is dropped, and none releases plaintext. */
    @Test
    void dropsEveryOneBitChange() {
        byte[] payload = EspTestSupport.payload(45, 3);
        ByteBuf original = EspTestSupport.seal(outbound, sender, Kind.HEAP, payload, 17);
        byte[] bytes = bytes(original, 0, original.capacity());
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] tampered = bytes.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            ByteBuf packet = EspTestSupport.copy(Kind.HEAP, tampered);
            InboundResult result = open(packet);
            assertThat(result).as("bit %d", bit).isIn(InboundResult.AUTH_FAILED, InboundResult.BAD_SPI, InboundResult.TOO_OLD);
            assertThat(bytes(packet, 16, payload.length)).as("bit %d", bit).isNotEqualTo(payload);
        }
        assertThat(open(EspTestSupport.copy(Kind.HEAP, bytes))).as("the original still passes").isEqualTo(InboundResult.OK);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropsReplayedPacket(Kind kind) {
        ByteBuf packet = seal(kind);
        byte[] copy = bytes(packet, 0, packet.capacity());
        assertThat(open(packet)).isEqualTo(InboundResult.OK);
        ByteBuf replay = EspTestSupport.copy(kind, copy);
        assertThat(open(replay)).isEqualTo(InboundResult.REPLAYED);
        assertThat(bytes(replay, 0, replay.capacity())).as("left as received").isEqualTo(copy);
        assertThat(counters.drops(InboundResult.REPLAYED)).isEqualTo(1);
    }

    @Test
    void dropsPacketLeftOfTheWindow() {
        ByteBuf late = seal(Kind.HEAP);
        ByteBuf lastInside = null;
        for (int i = 0; i < ReplayWindow.SIZE; i++) {
            ByteBuf packet = seal(Kind.HEAP);
            if (i == 0) {
                lastInside = EspTestSupport.copy(Kind.HEAP, bytes(packet, 0, packet.capacity()));
            }
            assertThat(open(packet)).isEqualTo(InboundResult.OK);
        }
        // 2048 newer packets arrived: "late" is 2048 behind the highest, its successor 2047.
        assertThat(open(late)).isEqualTo(InboundResult.TOO_OLD);
        assertThat(open(lastInside)).isEqualTo(InboundResult.REPLAYED);
        assertThat(counters.drops(InboundResult.TOO_OLD)).isEqualTo(1);
    }

    @Test
    void forgedPacketDoesNotMoveTheWindow() {
        ByteBuf first = seal(Kind.HEAP);
        assertThat(open(first)).isEqualTo(InboundResult.OK);
        long highest = receiver.replayWindow().highest();
        // A forgery claiming a far newer sequence number passes the window check but not the ICV.
        ByteBuf forged = seal(Kind.HEAP);
        new EspFlyweight().wrap(forged, 0).sequenceNumber(0x7FFF_FFFF).iv(highest + 0x1_0000_0000L);
        assertThat(open(forged)).isEqualTo(InboundResult.AUTH_FAILED);
        assertThat(receiver.replayWindow().highest()).isEqualTo(highest);
        assertThat(open(seal(Kind.HEAP))).isEqualTo(InboundResult.OK);
    }

    @Test
    void dropsTruncatedPackets() {
        ByteBuf packet = seal(Kind.HEAP);
        for (int length = 0; length < EspFlyweight.MIN_PACKET_LENGTH; length++) {
            assertThat(inbound.decrypt(packet, 0, length)).isEqualTo(InboundResult.TRUNCATED);
        }
        assertThat(counters.drops(InboundResult.TRUNCATED)).isEqualTo(EspFlyweight.MIN_PACKET_LENGTH);
        // One byte short of the real length: the ICV is cut, so it does not verify.
        assertThat(inbound.decrypt(packet, 0, packet.capacity() - 1)).isEqualTo(InboundResult.AUTH_FAILED);
    }

    /** An authentic packet (made with BouncyCastle) whose trailer lies: dropped, zeroed, but its number is used up. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropsAuthenticPacketWithMalformedTrailer(Kind kind) throws Exception {
        byte[] badPadLength = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 200, 17}; // pad length 200 > 10 octets before it
        byte[] badPadding = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 9, 3, 17};   // padding 1, 2, 9 instead of 1, 2, 3
        long seq = 1;
        for (byte[] plaintext : List.of(badPadLength, badPadding)) {
            ByteBuf packet = EspTestSupport.copy(kind, foreignPacket(seq, plaintext));
            assertThat(open(packet)).isEqualTo(InboundResult.MALFORMED_TRAILER);
            assertThat(zeroedAfterHeader(packet)).isTrue();
            assertThat(receiver.replayWindow().check(seq)).isEqualTo(InboundResult.REPLAYED);
            seq++;
        }
        assertThat(counters.drops(InboundResult.MALFORMED_TRAILER)).isEqualTo(2);
    }

    @Test
    void deliversDummyPacketsForTheCallerToDiscard() {
        ByteBuf packet = EspTestSupport.seal(outbound, sender, Kind.HEAP, new byte[0], EspFlyweight.NEXT_HEADER_NO_NEXT_HEADER);
        assertThat(open(packet)).isEqualTo(InboundResult.OK);
        assertThat(inbound.payloadLength()).isZero();
        assertThat(inbound.nextHeader()).isEqualTo(EspFlyweight.NEXT_HEADER_NO_NEXT_HEADER);
    }

    @Test
    void refusesMisuseLoudly() {
        ByteBuf noHeadroom = EspTestSupport.buffer(Kind.HEAP, 100);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> outbound.encrypt(sender, noHeadroom, 8, 10, 17)).withMessageContaining("headroom");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> outbound.encrypt(sender, noHeadroom, 16, 70, 17)).withMessageContaining("after the payload");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> outbound.encrypt(receiver, noHeadroom, 16, 10, 17)).withMessageContaining("inbound");
        assertThatThrownBy(() -> inbound.decrypt(noHeadroom, 50, 51))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** An ESP packet for {@link #receiver} with sequence number {@code seq} and this exact plaintext (payload and trailer). */
    private static byte[] foreignPacket(long seq, byte[] plaintext) throws Exception {
        byte[] nonce = ByteBuffer.allocate(12).put(KEYMAT_128, 16, 4).putLong(seq).array();
        byte[] aad = ByteBuffer.allocate(12).putInt(SPI).putLong(seq).array();
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(KEYMAT_128, 0, 16), 128, nonce, aad));
        byte[] sealed = new byte[plaintext.length + 16];
        gcm.doFinal(sealed, gcm.processBytes(plaintext, 0, plaintext.length, sealed, 0));
        return ByteBuffer.allocate(16 + sealed.length).putInt(SPI).putInt((int) seq).putLong(seq).put(sealed).array();
    }
}
