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
 * HKDF-SHA-256 (RFC 5869, on the JDK's {@code HmacSHA256}): one AES-GCM key + salt (RFC 4106 §8.1)
 * per SA, where an SA is one direction between two nodes on one network, created at one moment.
 *
 * <pre>
 * PRK    = HKDF-Extract(salt = "trellis esp v1", IKM = secret)
 * id     = HKDF-Expand(PRK, "trellis esp key id", 4)
 * KEYMAT = HKDF-Expand(PRK, "trellis esp sa v2" | 0 | vni | sender | receiver | spi, keyLength + 4)   key | salt
 * vni    = 4 octets, big-endian (0 for a key ring outside any network)
 * sender, receiver = len16(name) | name, node names in UTF-8: the order is the direction
 * spi    = 4 octets: the SA's instance value, drawn at random by the sender when it creates the SA
 * </pre>
 *
 * Two SAs share a key only if they agree on all of these, the random SPI included (docs/encryption.md
 * §3), so two tunnels sharing a key file, one key on two networks, a restart, a VM snapshot restored
 * or a clock stepped back do not repeat (key, nonce) pairs. Only the PRK is kept, never the secret;
 * {@link #toString()} shows the id alone.
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

    /** AES key then 4-octet salt of the SA from {@code sender} to {@code receiver} on {@code vni} with SPI {@code spi}. */
    public byte[] keyingMaterial(int vni, String sender, String receiver, int spi) {
        byte[] label = ascii("trellis esp sa v2");
        byte[] pair = pair(sender, receiver);
        byte[] info = ByteBuffer.allocate(label.length + 1 + 4 + pair.length + 4)
                .put(label).put((byte) 0).putInt(vni).put(pair).putInt(spi).array();
        return Hkdf.expand(prk, info, suite.keyingMaterialLength());
    }

    /** The SA {@code local} sends on to {@code peer} on {@code vni}, with the SPI it drew; its counter stands at {@code lastSequenceNumber}. */
    public SecurityAssociation outbound(int vni, String local, String peer, int spi, long lastSequenceNumber) {
        checkSpi(spi);
        return SecurityAssociation.outbound(spi, keyingMaterial(vni, local, peer, spi), peer, id, lastSequenceNumber);
    }

    /** The SA {@code local} receives on from {@code peer} on {@code vni}, for the SPI the peer drew. */
    public SecurityAssociation inbound(int vni, String local, String peer, int spi) {
        checkSpi(spi);
        return SecurityAssociation.inbound(spi, keyingMaterial(vni, peer, local, spi), peer, id);
    }

    private static void checkSpi(int spi) {
        if (Integer.compareUnsigned(spi, EspFlyweight.MIN_SPI) < 0) {
            throw new IllegalArgumentException("SPI " + spi + " is reserved (RFC 4303 §2.1): use 256 or more");
        }
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
