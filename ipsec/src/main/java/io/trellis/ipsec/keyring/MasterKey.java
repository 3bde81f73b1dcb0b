package io.trellis.ipsec.keyring;

import io.trellis.ipsec.esp.CipherSuite;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.SecurityAssociation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * A network's (or a tunnel's) shared secret, from which every SA between its nodes is derived with
 * HKDF-SHA-256 (RFC 5869): one SPI and one AES-GCM key + salt (RFC 4106 §8.1) per ordered pair
 * (sender, receiver). Deriving per direction matters: both directions start their sequence numbers
 * from the same clock, and one key for both would repeat GCM nonces.
 *
 * <pre>
 * PRK    = HKDF-Extract(salt = "trellis esp v1", IKM = secret)
 * id     = HKDF-Expand(PRK, "trellis esp key id", 4)
 * KEYMAT = HKDF-Expand(PRK, "trellis esp keymat" | 0 | pair, keyLength + 4)    key | salt
 * SPI    = HKDF-Expand(PRK, "trellis esp spi" | 0 | pair | n, 4)              first n = 0, 1, ... giving SPI ≥ 256
 * pair   = len16(sender) | sender | len16(receiver) | receiver                 node names in UTF-8
 * </pre>
 *
 * Only the PRK is kept, never the secret; {@link #toString()} shows the id alone.
 */
public final class MasterKey {
    private static final byte[] EXTRACT_SALT = ascii("trellis esp v1");

    private final CipherSuite suite;
    private final byte[] prk;
    private final int id;

    private MasterKey(CipherSuite suite, byte[] secret) {
        this.suite = suite;
        this.prk = Hkdf.extract(EXTRACT_SALT, secret);
        this.id = ByteBuffer.wrap(Hkdf.expand(prk, ascii("trellis esp key id"), 4)).getInt();
    }

    /** A key from 16 (AES-128-GCM) or 32 (AES-256-GCM) secret bytes. */
    public static MasterKey of(byte[] secret) {
        return new MasterKey(CipherSuite.forKeyLength(secret.length), secret);
    }

    /** A fresh random key, as the leader makes one per network and per rotation. */
    public static MasterKey generate(CipherSuite suite, SecureRandom random) {
        byte[] secret = new byte[suite.keyLength()];
        random.nextBytes(secret);
        return new MasterKey(suite, secret);
    }

    /** A fingerprint both ends can compare without revealing the key (printed as 8 hex digits). */
    public int id() {
        return id;
    }

    public CipherSuite suite() {
        return suite;
    }

    /** The SPI of the SA from {@code sender} to {@code receiver}: 256 or more (RFC 4303 §2.1). */
    public int spi(String sender, String receiver) {
        byte[] pair = pair(sender, receiver);
        for (int n = 0; ; n++) {
            byte[] info = info("trellis esp spi", pair, 1).put((byte) n).array();
            int spi = ByteBuffer.wrap(Hkdf.expand(prk, info, 4)).getInt();
            if (Integer.compareUnsigned(spi, EspFlyweight.MIN_SPI) >= 0) {
                return spi;
            }
        }
    }

    /** AES key then 4-octet salt for the SA from {@code sender} to {@code receiver}. */
    public byte[] keyingMaterial(String sender, String receiver) {
        byte[] info = info("trellis esp keymat", pair(sender, receiver), 0).array();
        return Hkdf.expand(prk, info, suite.keyingMaterialLength());
    }

    /** The SA {@code local} sends on to {@code peer}. */
    public SecurityAssociation outbound(String local, String peer) {
        return SecurityAssociation.outbound(spi(local, peer), keyingMaterial(local, peer), peer, id);
    }

    /** The SA {@code local} receives on from {@code peer}. */
    public SecurityAssociation inbound(String local, String peer) {
        return SecurityAssociation.inbound(spi(peer, local), keyingMaterial(peer, local), peer, id);
    }

    private static byte[] pair(String sender, String receiver) {
        byte[] s = sender.getBytes(StandardCharsets.UTF_8);
        byte[] r = receiver.getBytes(StandardCharsets.UTF_8);
        if (s.length > 0xFFFF || r.length > 0xFFFF) {
            throw new IllegalArgumentException("a node name is longer than 65535 bytes");
        }
        return ByteBuffer.allocate(4 + s.length + r.length)
                .putShort((short) s.length).put(s).putShort((short) r.length).put(r).array();
    }

    /** label | 0 | pair, with room for {@code extra} more bytes. */
    private static ByteBuffer info(String label, byte[] pair, int extra) {
        byte[] l = ascii(label);
        return ByteBuffer.allocate(l.length + 1 + pair.length + extra).put(l).put((byte) 0).put(pair);
    }

    private static byte[] ascii(String label) {
        return label.getBytes(StandardCharsets.US_ASCII);
    }

    /** Same secret (compared in constant time through the PRK). */
    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey && MessageDigest.isEqual(prk, ((MasterKey) o).prk);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return String.format("key %08x (%s)", id, suite);
    }
}
