package io.trellis.ipsec.esp;

import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;

/**
 * AES-GCM for ESP (RFC 4106) on one SA and one thread, through JCA's {@code AES/GCM/NoPadding} from
 * {@link AesGcmProvider}: AWS-LC (ACCP) or the JDK's SunJCE. No AES or GHASH code of our own.
 *
 * <p>The {@link Cipher} and the key object are created once and the cipher is re-{@code init}ed per
 * packet: JCA takes a new nonce only through {@code init} with a new {@code GCMParameterSpec}. Passing
 * the same key object each time lets ACCP keep its native key schedule (it compares key identity);
 * SunJCE rebuilds its GHASH table per {@code init} (about 1 KB of garbage on JDK 17). Work is done on a
 * {@code byte[]} in place: ACCP 2.5.0 has no direct-buffer path for GCM (JCA's default one copies
 * through fresh arrays), and arrays measured fastest for both providers (docs/encryption.md §5).
 */
final class AesGcm {
    /** RFC 4106 §6: the full-length 16-octet ICV. */
    static final int TAG_BITS = EspFlyweight.ICV_LENGTH * 8;
    /** RFC 4106 §4: salt (4) then IV (8). */
    static final int NONCE_LENGTH = CipherSuite.SALT_LENGTH + EspFlyweight.IV_LENGTH;
    /** RFC 4106 §5, Figure 4: SPI, high and low 32 bits of the extended sequence number. */
    static final int AAD_LENGTH = 12;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final byte[] aad = new byte[AAD_LENGTH];

    AesGcm(SecretKeySpec key, int salt) {
        this.key = key;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding", AesGcmProvider.provider());
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException(AesGcmProvider.status() + " has no AES/GCM/NoPadding cipher, which ESP needs", e);
        }
        putInt(nonce, 0, salt);
    }

    /**
     * Encrypts {@code length} octets at {@code offset} in place and writes the ICV right after them.
     *
     * @throws IllegalStateException if the JDK refuses, which only a reused IV (impossible: ESP passes
     *                               the sequence number) or an array too short for the ICV can cause
     */
    void seal(int spi, long sequenceNumber, long iv, byte[] array, int offset, int length) {
        prepare(spi, sequenceNumber, iv);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            cipher.doFinal(array, offset, length, array, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM refused to encrypt ESP sequence number "
                    + Long.toUnsignedString(sequenceNumber), e);
        }
    }

    /**
     * Verifies the ICV of the {@code length} octets at {@code offset} (ciphertext then ICV) and, if it
     * verifies, decrypts the ciphertext in place. Returns false for any failure; never throws.
     */
    boolean open(int spi, long sequenceNumber, long iv, byte[] array, int offset, int length) {
        prepare(spi, sequenceNumber, iv);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            cipher.doFinal(array, offset, length, array, offset);
            return true;
        } catch (GeneralSecurityException e) {
            // AEADBadTagException for a forgery or a wrong key; nothing else is reachable after the
            // length checks of EspInbound, but any refusal means "not authentic".
            return false;
        }
    }

    private void prepare(int spi, long sequenceNumber, long iv) {
        putLong(nonce, CipherSuite.SALT_LENGTH, iv);
        putInt(aad, 0, spi);
        putLong(aad, 4, sequenceNumber);
    }

    private static void putInt(byte[] array, int index, int value) {
        array[index] = (byte) (value >>> 24);
        array[index + 1] = (byte) (value >>> 16);
        array[index + 2] = (byte) (value >>> 8);
        array[index + 3] = (byte) value;
    }

    private static void putLong(byte[] array, int index, long value) {
        putInt(array, index, (int) (value >>> 32));
        putInt(array, index + 4, (int) value);
    }
}
