package io.trellis.controlplane.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * Swarm's join token: {@code SWMTKN-1-<CA digest>-<secret>}. The digest (SHA-256 of the root
 * certificate, base 36, 50 characters) lets a joining node pin the CA before it sends anything;
 * the secret (25 base-36 characters) says which role it may join as.
 */
public record JoinToken(String caDigest, String secret) {
    public static final String PREFIX = "SWMTKN-1-";
    static final int DIGEST_LENGTH = 50;
    static final int SECRET_LENGTH = 25;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static JoinToken generate(X509Certificate ca) {
        StringBuilder secret = new StringBuilder(SECRET_LENGTH);
        for (int i = 0; i < SECRET_LENGTH; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new JoinToken(digestOf(ca), secret.toString());
    }

    /** Parses a token a user pasted; one line naming what is wrong otherwise. */
    public static JoinToken parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("invalid join token: it must start with " + PREFIX);
        }
        String[] parts = t.substring(PREFIX.length()).split("-", -1);
        if (parts.length != 2 || parts[0].length() != DIGEST_LENGTH || parts[1].length() != SECRET_LENGTH
                || !base36(parts[0]) || !base36(parts[1])) {
            throw new IllegalArgumentException("invalid join token: expected " + PREFIX + "<50 characters>-<25 characters>"
                    + " of [0-9a-z]");
        }
        return new JoinToken(parts[0], parts[1]);
    }

    /** True when {@code ca} is the CA this token was made for (the joining node's pin check). */
    public boolean matches(X509Certificate ca) {
        return MessageDigest.isEqual(caDigest.getBytes(StandardCharsets.US_ASCII),
                digestOf(ca).getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time comparison of the secret part, for the manager's role check. */
    public boolean sameSecret(JoinToken other) {
        return MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII),
                other.secret.getBytes(StandardCharsets.US_ASCII));
    }

    static String digestOf(X509Certificate ca) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(ca.getEncoded());
            String s = new BigInteger(1, d).toString(36);
            return "0".repeat(DIGEST_LENGTH - s.length()) + s; // 256 bits fit in 50 base-36 digits
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("digesting the CA certificate failed", e);
        }
    }

    private static boolean base36(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (ALPHABET.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return PREFIX + caDigest + "-" + secret;
    }
}
