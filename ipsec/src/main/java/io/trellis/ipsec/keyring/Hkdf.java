package io.trellis.ipsec.keyring;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/** HKDF with HMAC-SHA-256 (RFC 5869). Control path only: it allocates. */
final class Hkdf {
    static final int HASH_LENGTH = 32;

    private Hkdf() {
    }

    /** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM). */
    static byte[] extract(byte[] salt, byte[] inputKeyingMaterial) {
        return hmac(salt, inputKeyingMaterial);
    }

    /** RFC 5869 §2.3: T(1) | T(2) | ..., T(i) = HMAC-Hash(PRK, T(i-1) | info | i), truncated to {@code length}. */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output of " + length + " bytes is too long: at most " + 255 * HASH_LENGTH);
        }
        byte[] okm = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            byte[] input = new byte[t.length + info.length + 1];
            System.arraycopy(t, 0, input, 0, t.length);
            System.arraycopy(info, 0, input, t.length, info.length);
            input[input.length - 1] = (byte) i;
            t = hmac(prk, input);
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, okm, done, n);
            done += n;
        }
        return okm;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // RFC 5869 §2.2: an absent salt is HashLen zeros (HMAC would refuse an empty key).
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[HASH_LENGTH] : key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256, which key derivation needs", e);
        }
    }
}
