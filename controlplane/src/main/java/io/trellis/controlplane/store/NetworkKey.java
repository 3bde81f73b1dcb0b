package io.trellis.controlplane.store;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * One key of an encrypted network, drawn at random by the leader.
 *
 * @param secret    base64 of 16 (AES-128-GCM) or 32 secret bytes
 * @param createdAt when the leader made it; the rotation counts from here
 */
public record NetworkKey(String secret, long createdAt) {
    /** AES-128-GCM, as Swarm's encrypted overlays use. */
    public static final int SECRET_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh random key, as the leader makes one per network and per rotation. */
    public static NetworkKey generate(long now) {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new NetworkKey(Base64.getEncoder().encodeToString(secret), now);
    }

    @Override
    public String toString() {
        return "NetworkKey[createdAt=" + createdAt + "]"; // never the secret, even in a log line
    }
}
