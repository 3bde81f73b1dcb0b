package io.trellis.ipsec.esp;

/**
 * The ESP transforms Trellis speaks: AES-GCM with a 16-octet ICV (ESP transform 20, RFC 4106 §8.3),
 * keyed with 128 or 256 bits. Per RFC 4106 §8.1 the keying material of an
 * SA is the AES key followed by a 4-octet salt, so 20 octets for AES-128 and 36 for AES-256.
 */
public enum CipherSuite {
    AES_128_GCM(16),
    AES_256_GCM(32);

    /** RFC 4106 §4: the salt is the first 4 octets of the 12-octet nonce, fixed per SA. */
    public static final int SALT_LENGTH = 4;

    private final int keyLength;

    CipherSuite(int keyLength) {
        this.keyLength = keyLength;
    }

    /** AES key octets: 16 or 32. */
    public int keyLength() {
        return keyLength;
    }

    /** Key plus salt (RFC 4106 §8.1): 20 or 36. */
    public int keyingMaterialLength() {
        return keyLength + SALT_LENGTH;
    }

    /** The suite whose AES key has {@code keyLength} octets. */
    public static CipherSuite forKeyLength(int keyLength) {
        for (CipherSuite suite : values()) {
            if (suite.keyLength == keyLength) {
                return suite;
            }
        }
        throw new IllegalArgumentException("an AES-GCM key of " + keyLength
                + " bytes is not supported: use 16 (AES-128) or 32 (AES-256)");
    }

    /** The suite whose keying material (key + salt) has {@code length} octets. */
    public static CipherSuite forKeyingMaterialLength(int length) {
        for (CipherSuite suite : values()) {
            if (suite.keyingMaterialLength() == length) {
                return suite;
            }
        }
        throw new IllegalArgumentException("ESP keying material of " + length
                + " bytes is not supported: use 20 (AES-128 key + salt) or 36 (AES-256 key + salt)");
    }
}
