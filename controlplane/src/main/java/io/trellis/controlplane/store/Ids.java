package io.trellis.controlplane.store;

import java.security.SecureRandom;

/** Docker-style object IDs: 25 random lowercase base-36 characters, shown truncated to 12. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    public static final int LENGTH = 25;
    public static final int SHORT = 12;

    private Ids() {
    }

    public static String newId() {
        char[] c = new char[LENGTH];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    public static String shortId(String id) {
        return id == null ? "" : id.length() <= SHORT ? id : id.substring(0, SHORT);
    }
}
