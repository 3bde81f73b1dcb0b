package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import io.trellis.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.Map;

import static io.trellis.ipsec.esp.EspTestSupport.HEADROOM;
import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Steady-state encrypt + decrypt of 1400-byte payloads allocates what the AES-GCM provider in use
 * ({@link AesGcmProvider}: ACCP or SunJCE) allocates per {@code Cipher.init} and nothing more, on
 * heap and direct buffers alike: measured against bare JCA calls on a {@code byte[]} doing the same
 * work (JCA cannot take a new GCM nonce without a new {@code GCMParameterSpec}; SunJCE also builds a
 * new GHASH state per init, about 1.1 KB per direction on JDK 17; ACCP a few small objects).
 *
 * <p>The provider's share varies by about one small object between runs and JIT states (escape
 * analysis removes one in some compilations), so the comparisons allow 64 B: a copy of the payload
 * (1.4 KB), or direct-buffer views that make JCA copy (+4.5 KB), would fail them, and so would any
 * per-packet object of ours above that size.
 */
class EspAllocationTest {
    private static final int PAYLOAD = 1400;
    private static final double JIT_NOISE_BYTES = 64;

    @Test
    void trellisAddsNoAllocationToTheJdkCipher() {
        AllocationMeter meter = new AllocationMeter();
        AllocationMeter.Result jdk = meter.measure(50_000, 50_000, bareJdkRoundTrip());
        Map<Kind, AllocationMeter.Result> trellis = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            trellis.put(kind, meter.measure(50_000, 50_000, trellisRoundTrip(kind)));
            System.out.printf("ESP encrypt+decrypt of %d bytes on %s buffers: %.0f B/packet, %.0f ns (bare JCA: %.0f B; %s)%n",
                    PAYLOAD, kind, trellis.get(kind).bytesPerOp(), trellis.get(kind).nanosPerOp(), jdk.bytesPerOp(),
                    AesGcmProvider.status());
        }
        double heap = trellis.get(Kind.HEAP).bytesPerOp();
        for (Kind kind : Kind.values()) {
            double bytes = trellis.get(kind).bytesPerOp();
            assertThat(bytes).as("%s", kind).isCloseTo(heap, within(JIT_NOISE_BYTES));
            assertThat(bytes).as("%s", kind).isLessThanOrEqualTo(jdk.bytesPerOp() + JIT_NOISE_BYTES);
        }
    }

    /** Encrypts in place, decrypts in place: the plaintext is back at the same offset for the next round. */
    static Runnable trellisRoundTrip(Kind kind) {
        EspCounters counters = new EspCounters();
        SecurityAssociation sender = SecurityAssociation.outbound(SPI, KEYMAT_128, "b", 1);
        SecurityAssociation receiver = SecurityAssociation.inbound(SPI, KEYMAT_128, "a", 1);
        EspOutbound outbound = new EspOutbound(counters);
        EspInbound inbound = new EspInbound(EspTestSupport.sad(receiver), counters);
        ByteBuf buf = EspTestSupport.withPayload(kind, EspTestSupport.payload(PAYLOAD, 1));
        return () -> {
            int length = outbound.encrypt(sender, buf, HEADROOM, PAYLOAD, 17);
            if (inbound.decrypt(buf, 0, length) != InboundResult.OK) {
                throw new AssertionError("round trip failed");
            }
        };
    }

    /** The same cryptographic work straight on the provider in use: its own allocation per packet. */
    static Runnable bareJdkRoundTrip() {
        try {
            Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding", AesGcmProvider.provider());
            Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding", AesGcmProvider.provider());
            SecretKeySpec key = new SecretKeySpec(KEYMAT_128, 0, 16, "AES");
            byte[] nonce = new byte[12];
            byte[] aad = new byte[12];
            byte[] array = new byte[PAYLOAD + 4 + 16];
            long[] seq = {0};
            return () -> {
                try {
                    seq[0]++;
                    for (int i = 0; i < 8; i++) {
                        nonce[11 - i] = (byte) (seq[0] >>> (8 * i));
                    }
                    encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                    encrypt.updateAAD(aad);
                    encrypt.doFinal(array, 0, PAYLOAD + 4, array, 0);
                    decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                    decrypt.updateAAD(aad);
                    decrypt.doFinal(array, 0, array.length, array, 0);
                } catch (GeneralSecurityException e) {
                    throw new AssertionError(e);
                }
            };
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
