package io.trellis.controlplane.atrest;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing of control-plane bytes (log entries, snapshots, wrapped keys). Format:
 * {@code version(1) | nonce(12) | ciphertext | tag(16)}; a random nonce per message is safe for the
 * few million messages a data key ever seals. Not a hot path.
 */
public final class SealedBox {
    static final byte VERSION = 1;
    static final int NONCE_LENGTH = 12;
    static final int TAG_BITS = 128;
    public static final int KEY_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] EMPTY = new byte[0];

    private final SecretKey key;

    public SealedBox(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a data key has " + KEY_LENGTH + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    public static byte[] newKey() {
        byte[] k = new byte[KEY_LENGTH];
        RANDOM.nextBytes(k);
        return k;
    }

    public byte[] seal(byte[] plain, byte[] associatedData) {
        return seal(EMPTY, plain, associatedData);
    }

    /** Seals {@code plain} into an array that starts with {@code header} (not sealed; authenticate it in the AAD). */
    public byte[] seal(byte[] header, byte[] plain, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            byte[] out = new byte[header.length + 1 + NONCE_LENGTH + c.getOutputSize(plain.length)];
            ByteBuffer.wrap(out).put(header).put(VERSION).put(nonce);
            int written = c.doFinal(plain, 0, plain.length, out, header.length + 1 + NONCE_LENGTH);
            return written == out.length - header.length - 1 - NONCE_LENGTH ? out
                    : Arrays.copyOf(out, header.length + 1 + NONCE_LENGTH + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** @throws SealedBoxException when the bytes were not sealed with this key and associated data */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        return open(sealed, 0, sealed.length, associatedData);
    }

    /** Opens the {@code length} sealed bytes at {@code offset} (after a header, without copying them out). */
    public byte[] open(byte[] bytes, int offset, int length, byte[] associatedData) {
        if (length < 1 + NONCE_LENGTH + TAG_BITS / 8 || bytes[offset] != VERSION) {
            throw new SealedBoxException("not a sealed message (wrong version or too short)");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, offset + 1, NONCE_LENGTH));
            c.updateAAD(associatedData);
            return c.doFinal(bytes, offset + 1 + NONCE_LENGTH, length - 1 - NONCE_LENGTH);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SealedBoxException("authentication failed: wrong key or tampered data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The data was not sealed with this key, or was changed. */
    public static final class SealedBoxException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SealedBoxException(String message) {
            super(message);
        }
    }
}
