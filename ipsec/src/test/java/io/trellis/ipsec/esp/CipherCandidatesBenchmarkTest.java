package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import io.trellis.testing.AllocationMeter;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JMH-free microbenchmark behind the choice of cipher (docs/encryption.md): encrypt + decrypt of
 * a 1400-byte payload per packet, nanoseconds and bytes allocated, for
 *
 * <ol>
 *   <li>Trellis as shipped, full ESP processing included: on a direct buffer (the data path's) the
 *       native AES-GCM in place where the CPU has AVX-512 VAES ({@link NativeAesGcm}), else SunJCE on
 *       a scratch copy; on a heap buffer SunJCE on its array;</li>
 *   <li>SunJCE on {@code ByteBuffer} views of a direct buffer, the "no copy" variant;</li>
 *   <li>BouncyCastle's {@code GCMBlockCipher} re-initialised with a key-less {@code AEADParameters},
 *       in place in a byte[].</li>
 * </ol>
 *
 * Prints a table; asserts only that all three compute the same bytes, since timings vary by machine.
 */
class CipherCandidatesBenchmarkTest {
    private static final int PAYLOAD = 1400;
    /** Payload plus 4 octets of padding and trailer: what GCM encrypts for a 1400-byte payload. */
    private static final int CIPHERTEXT = EspFlyweight.paddedLength(PAYLOAD);

    @Test
    void printsNanosecondsAndBytesPerPacketForEachCandidate() {
        AllocationMeter meter = new AllocationMeter();
        System.out.println("candidate (encrypt + decrypt, 1400-byte payload)            key   ns/packet  B/packet");
        for (byte[] keymat : new byte[][] {KEYMAT_128, KEYMAT_256}) {
            int bits = (keymat.length - 4) * 8;
            print(meter, "Trellis EspOutbound/EspInbound, heap ByteBuf (shipped)", bits, 30_000, EspAllocationTest.trellisRoundTrip(Kind.HEAP));
            print(meter, "Trellis EspOutbound/EspInbound, direct ByteBuf (shipped; " + (NativeAesGcm.available() ? "native" : "SunJCE") + ")", bits, 30_000, EspAllocationTest.trellisRoundTrip(Kind.DIRECT));
            print(meter, "SunJCE on direct ByteBuffer views", bits, 30_000, new JdkDirectViews(keymat)::roundTrip);
            print(meter, "BouncyCastle GCMBlockCipher, byte[] in place", bits, 3_000, new BouncyCastleInPlace(keymat)::roundTrip);
        }
    }

    @Test
    void candidatesComputeTheSameBytes() {
        byte[] plaintext = EspTestSupport.payload(CIPHERTEXT, 5);
        JdkDirectViews jdk = new JdkDirectViews(KEYMAT_128);
        BouncyCastleInPlace bc = new BouncyCastleInPlace(KEYMAT_128);
        jdk.buf.setBytes(0, plaintext);
        System.arraycopy(plaintext, 0, bc.array, 0, plaintext.length);
        jdk.seal(1);
        bc.seal(1);
        assertThat(EspTestSupport.bytes(jdk.buf, 0, CIPHERTEXT + 16)).isEqualTo(Arrays.copyOf(bc.array, CIPHERTEXT + 16));

        SecurityAssociation sa = SecurityAssociation.outboundAfter(0, EspTestSupport.SPI, KEYMAT_128);
        byte[] array = Arrays.copyOf(plaintext, CIPHERTEXT + 16);
        sa.cipher().seal(EspTestSupport.SPI, 1, 1, array, 0, CIPHERTEXT);
        assertThat(array).isEqualTo(Arrays.copyOf(bc.array, CIPHERTEXT + 16));
    }

    private static void print(AllocationMeter meter, String name, int bits, int ops, Runnable roundTrip) {
        AllocationMeter.Result result = meter.measure(3 * ops, ops, roundTrip);
        System.out.printf("%-60s %4d %10.0f %9.0f%n", name, bits, result.nanosPerOp(), result.bytesPerOp());
    }

    private static byte[] nonce(byte[] keymat, long seq) {
        return ByteBuffer.allocate(12).put(keymat, keymat.length - 4, 4).putLong(seq).array();
    }

    private static byte[] aad(long seq) {
        return ByteBuffer.allocate(12).putInt(EspTestSupport.SPI).putLong(seq).array();
    }

    /** SunJCE with {@code doFinal(ByteBuffer, ByteBuffer)} on two views of one direct buffer (one object may not be both). */
    static final class JdkDirectViews {
        final ByteBuf buf = EspTestSupport.buffer(Kind.DIRECT, CIPHERTEXT + 16);
        private final Cipher encrypt;
        private final Cipher decrypt;
        private final SecretKeySpec key;
        private final byte[] keymat;
        private final byte[] nonce = new byte[12];
        private final byte[] aad = new byte[12];
        private long seq;

        JdkDirectViews(byte[] keymat) {
            this.keymat = keymat;
            this.key = new SecretKeySpec(keymat, 0, keymat.length - 4, "AES");
            try {
                encrypt = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
                decrypt = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        void seal(long sequenceNumber) {
            prepare(sequenceNumber);
            try {
                encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                encrypt.updateAAD(aad);
                encrypt.doFinal(buf.nioBuffer(0, CIPHERTEXT), buf.nioBuffer(0, CIPHERTEXT + 16));
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        void roundTrip() {
            seal(++seq);
            try {
                decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                decrypt.updateAAD(aad);
                decrypt.doFinal(buf.nioBuffer(0, CIPHERTEXT + 16), buf.nioBuffer(0, CIPHERTEXT + 16));
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        private void prepare(long sequenceNumber) {
            System.arraycopy(nonce(keymat, sequenceNumber), 0, nonce, 0, 12);
            System.arraycopy(aad(sequenceNumber), 0, aad, 0, 12);
        }
    }

    /** BouncyCastle's GCM keyed once; per packet only a new nonce (a key-less AEADParameters keeps the key schedule). */
    static final class BouncyCastleInPlace {
        final byte[] array = new byte[CIPHERTEXT + 16];
        private final GCMModeCipher encrypt = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private final GCMModeCipher decrypt = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private final byte[] keymat;
        private long seq;

        BouncyCastleInPlace(byte[] keymat) {
            this.keymat = keymat;
            KeyParameter key = new KeyParameter(keymat, 0, keymat.length - 4);
            encrypt.init(true, new AEADParameters(key, 128, new byte[12]));
            decrypt.init(false, new AEADParameters(key, 128, new byte[12]));
        }

        void seal(long sequenceNumber) {
            encrypt.init(true, new AEADParameters(null, 128, nonce(keymat, sequenceNumber), aad(sequenceNumber)));
            try {
                encrypt.doFinal(array, encrypt.processBytes(array, 0, CIPHERTEXT, array, 0));
            } catch (InvalidCipherTextException e) {
                throw new AssertionError(e);
            }
        }

        void roundTrip() {
            seal(++seq);
            decrypt.init(false, new AEADParameters(null, 128, nonce(keymat, seq), aad(seq)));
            try {
                decrypt.doFinal(array, decrypt.processBytes(array, 0, CIPHERTEXT + 16, array, 0));
            } catch (InvalidCipherTextException e) {
                throw new AssertionError(e);
            }
        }
    }
}
