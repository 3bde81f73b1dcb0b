package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static io.trellis.ipsec.esp.EspTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The native AES-GCM (src/main/c/trellis_gcm.c) against NIST's answers, the ESP test vectors and,
 * for thousands of random keys, nonces, AADs and lengths that reach every path of the C code (the
 * sixteen-block loops, the last step under a mask or through the stack, partial blocks, empty
 * input), against SunJCE, with 512- and with 256-bit registers; forgeries
 * of every kind are refused and leave the buffer as it was. Skips with one line where the library
 * is not used (another CPU, no gcc at build time, -Dtrellis.esp.cipher=jdk).
 */
class NativeAesGcmTest {
    @BeforeAll
    static void nativeCipherIsHere() {
        assumeTrue(NativeAesGcm.available(), "skipped: " + NativeAesGcm.status());
    }

    /** Direct memory holding nonce | AAD | data | tag, the data at an odd address on purpose. */
    private static final class Packet {
        final ByteBuf buf;
        final long nonceAad;
        final long data;

        Packet(byte[] nonce, byte[] aad, byte[] data, byte[] tag) {
            buf = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(12 + aad.length + 1 + data.length + 16));
            buf.setBytes(0, nonce).setBytes(12, aad).setBytes(12 + aad.length + 1, data).setBytes(12 + aad.length + 1 + data.length, tag);
            nonceAad = buf.memoryAddress();
            this.data = nonceAad + 12 + aad.length + 1;
        }

        byte[] dataAndTag(int aadLength, int length) {
            byte[] out = new byte[length + 16];
            buf.getBytes(12 + aadLength + 1, out);
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.trellis.ipsec.esp.GcmKnownAnswerTest#nistVectors")
    void givesTheNistAnswers(GcmKnownAnswerTest.Nist v) {
        widths().forEach(width -> givesTheNistAnswer(v, width));
    }

    private static void givesTheNistAnswer(GcmKnownAnswerTest.Nist v, int width) {
        byte[] key = hex(v.key());
        byte[] aad = hex(v.aad());
        byte[] pt = hex(v.plaintext());
        NativeAesGcm gcm = NativeAesGcm.createWithWidth(key, 0, key.length, width);
        Packet p = new Packet(hex(v.iv()), aad, pt, new byte[16]);
        gcm.seal(p.nonceAad, aad.length, p.data, pt.length);
        assertThat(hex(p.dataAndTag(aad.length, pt.length))).isEqualTo(v.ciphertext() + v.tag());
        assertThat(gcm.open(p.nonceAad, aad.length, p.data, pt.length)).isTrue();
        assertThat(hex(p.dataAndTag(aad.length, pt.length))).startsWith(v.plaintext());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.trellis.ipsec.esp.GcmKnownAnswerTest#espVectors")
    void sealsTheEspVectorsThroughEspNonce(GcmKnownAnswerTest.Esp v) {
        byte[] keymat = hex(v.keyAndSalt());
        SecurityAssociation sa = SecurityAssociation.outbound(v.spi(), keymat, "peer", 1);
        byte[] pt = hex(v.plaintext());
        ByteBuf data = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(pt.length + 16)).setBytes(0, pt);
        long nonceAad = new EspNonce().prepare(sa.salt(), v.iv(), v.spi(), v.seq());
        sa.nativeCipher().seal(nonceAad, AesGcm.AAD_LENGTH, data.memoryAddress(), pt.length);
        byte[] out = new byte[pt.length + 16];
        data.getBytes(0, out);
        assertThat(hex(out)).isEqualTo(v.sealed());
    }

    /** Both register widths where the CPU has AVX-512 (it has AVX2 then too); 256 only on AVX2 CPUs. */
    static IntStream widths() {
        return NativeAesGcm.width() == 512 ? IntStream.of(512, 256) : IntStream.of(256);
    }

    @ParameterizedTest(name = "{0}-bit registers")
    @MethodSource("widths")
    void agreesWithSunJceOnRandomInputsAndRefusesEveryForgery(int width) throws Exception {
        SplittableRandom random = new SplittableRandom(4106);
        Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        for (int i = 0; i < 3000; i++) {
            byte[] key = bytes(random, random.nextBoolean() ? 16 : 32);
            byte[] nonce = bytes(random, 12);
            byte[] aad = bytes(random, random.nextInt(4) == 0 ? random.nextInt(64) : 12);
            // Every length up to 600 (all tails of the 256-byte steps), then larger ones.
            int length = i < 600 ? i : random.nextInt(9000);
            byte[] pt = bytes(random, length);

            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            jdk.updateAAD(aad);
            byte[] expected = jdk.doFinal(pt);

            NativeAesGcm gcm = NativeAesGcm.createWithWidth(key, 0, key.length, width);
            Packet p = new Packet(nonce, aad, pt, new byte[16]);
            gcm.seal(p.nonceAad, aad.length, p.data, length);
            byte[] sealed = p.dataAndTag(aad.length, length);
            assertThat(sealed).as("case %d: %d-byte key, %d AAD, %d data", i, key.length, aad.length, length).isEqualTo(expected);

            // One flipped bit anywhere, in ciphertext, tag, AAD or nonce: refused, nothing written.
            int where = random.nextInt(12 + aad.length + length + 16);
            Packet forged = new Packet(nonce, aad, Arrays.copyOf(sealed, length), Arrays.copyOfRange(sealed, length, length + 16));
            int offset = where < 12 + aad.length ? where : where + 1; // skip the alignment byte
            forged.buf.setByte(offset, forged.buf.getByte(offset) ^ (1 << random.nextInt(8)));
            byte[] before = forged.dataAndTag(aad.length, length);
            assertThat(gcm.open(forged.nonceAad, aad.length, forged.data, length)).as("forgery at %d accepted", where).isFalse();
            assertThat(forged.dataAndTag(aad.length, length)).isEqualTo(before);

            assertThat(gcm.open(p.nonceAad, aad.length, p.data, length)).isTrue();
            assertThat(Arrays.copyOf(p.dataAndTag(aad.length, length), length)).isEqualTo(pt);
        }
    }

    /** Native (direct buffer) and SunJCE (heap buffer) ESP packets of SAs at the same sequence number are the same bytes. */
    @Test
    void espPacketsAreTheSameBytesAsSunJces() {
        SplittableRandom random = new SplittableRandom(4303);
        for (byte[] keymat : new byte[][] {EspTestSupport.KEYMAT_128, EspTestSupport.KEYMAT_256}) {
            SecurityAssociation nativeSa = SecurityAssociation.outboundAfter(0x1_0000_0000L, EspTestSupport.SPI, keymat);
            SecurityAssociation jdkSa = SecurityAssociation.outboundAfter(0x1_0000_0000L, EspTestSupport.SPI, keymat);
            EspOutbound outbound = new EspOutbound(new EspCounters());
            for (int length : new int[] {0, 1, 3, 4, 15, 16, 17, 255, 256, 257, 1400, 1472, 8999}) {
                byte[] payload = bytes(random, length);
                ByteBuf viaNative = EspTestSupport.seal(outbound, nativeSa, EspTestSupport.Kind.DIRECT, payload, 17);
                ByteBuf viaJdk = EspTestSupport.seal(outbound, jdkSa, EspTestSupport.Kind.HEAP, payload, 17);
                assertThat(EspOutbound.sealsInPlace(nativeSa, Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(1)))).isTrue();
                assertThat(hex(EspTestSupport.bytes(viaNative, 0, viaNative.capacity())))
                        .as("%d-byte payload", length).isEqualTo(hex(EspTestSupport.bytes(viaJdk, 0, viaJdk.capacity())));
            }
        }
    }

    @Test
    void refusesKeysOfOtherLengthsAndWidthsThisCpuLacks() {
        assertThat(catchThrowable(() -> NativeAesGcm.create(new byte[24], 0, 24)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use 16 or 32");
        assertThat(catchThrowable(() -> NativeAesGcm.createWithWidth(new byte[16], 0, 16, 1024)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024-bit registers");
        assertThat(NativeAesGcm.status()).contains(NativeAesGcm.width() == 512 ? "AVX-512" : "AVX2");
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
