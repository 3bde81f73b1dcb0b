package io.trellis.controlplane.atrest;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
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
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            byte[] ct = c.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE_LENGTH + ct.length).put(VERSION).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** @throws SealedBoxException when the bytes were not sealed with this key and associated data */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        if (sealed.length < 1 + NONCE_LENGTH + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new SealedBoxException("not a sealed message (wrong version or too short)");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_LENGTH));
            c.updateAAD(associatedData);
            return c.doFinal(sealed, 1 + NONCE_LENGTH, sealed.length - 1 - NONCE_LENGTH);
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
