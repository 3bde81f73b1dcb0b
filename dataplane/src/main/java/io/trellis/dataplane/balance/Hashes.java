package io.trellis.dataplane.balance;

import java.nio.charset.StandardCharsets;

/**
 * Non-cryptographic 64-bit hashing for placement: the SplitMix64 finaliser (Stafford's variant 13), and
 * a string hash that runs it over each 8-byte block. The finaliser is a bijection, so two strings of the
 * same length never collide; different seeds give independent-looking hashes (unlike CRCs, whose
 * outputs for two seeds differ by a constant).
 */
public final class Hashes {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Hashes() {
    }

    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A 64-bit hash of {@code s}'s UTF-8 bytes under {@code seed}. Control path: it allocates the bytes. */
    static long hash(String s, long seed) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long h = mix64(seed + GOLDEN * (b.length + 1L));
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            h = mix64(h ^ littleEndian(b, i, 8));
        }
        if (i < b.length) {
            h = mix64(h ^ littleEndian(b, i, b.length - i));
        }
        return mix64(h + GOLDEN);
    }

    private static long littleEndian(byte[] b, int off, int len) {
        long v = 0;
        for (int k = len - 1; k >= 0; k--) {
            v = v << 8 | (b[off + k] & 0xFF);
        }
        return v;
    }
}
