package io.trellis.controlplane.atrest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * ECIES for one data key and one manager: an ephemeral P-256 key agrees a secret with the
 * manager's node key (JDK {@code ECDH}), HKDF-SHA256 (BouncyCastle) turns it into an AES key, and
 * {@link SealedBox} seals the data key with it. Only the holder of the node's private key opens
 * the copy. Format: {@code length(2) | ephemeral public key (X.509) | sealed key}.
 */
public final class KeyWrap {
    private static final byte[] INFO = "trellis-data-key-wrap-v1".getBytes(StandardCharsets.US_ASCII);
    private static final String CURVE = "secp256r1";
    private static final ECParameterSpec P256 = p256();

    private KeyWrap() {
    }

    /**
     * Wraps {@code key} for the holder of {@code recipient}'s private key; {@code context} (the key
     * ID and the node) must be given again to unwrap.
     *
     * @throws IllegalArgumentException when {@code recipient} is not a P-256 key
     */
    public static byte[] wrap(PublicKey recipient, byte[] key, byte[] context) {
        if (!(recipient instanceof ECPublicKey ec) || !sameCurve(ec.getParams(), P256)) {
            throw new IllegalArgumentException("a data key is wrapped only for EC P-256 node keys");
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(CURVE));
            KeyPair ephemeral = g.generateKeyPair();
            byte[] ephemeralPublic = ephemeral.getPublic().getEncoded();
            byte[] sealed = new SealedBox(kek(ephemeral.getPrivate(), recipient, ephemeralPublic)).seal(key, context);
            return ByteBuffer.allocate(2 + ephemeralPublic.length + sealed.length)
                    .putShort((short) ephemeralPublic.length).put(ephemeralPublic).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JVM", e);
        }
    }

    /**
     * @throws SealedBox.SealedBoxException when {@code wrapped} was not made for this private key and
     *     context, or is malformed
     */
    public static byte[] unwrap(PrivateKey own, byte[] wrapped, byte[] context) {
        if (!(own instanceof ECPrivateKey ec) || !sameCurve(ec.getParams(), P256)) {
            throw new SealedBox.SealedBoxException("this node's key is not an EC P-256 key");
        }
        ByteBuffer in = ByteBuffer.wrap(wrapped);
        if (in.remaining() < 2) {
            throw new SealedBox.SealedBoxException("not a wrapped key (too short)");
        }
        int length = Short.toUnsignedInt(in.getShort());
        if (in.remaining() <= length) {
            throw new SealedBox.SealedBoxException("not a wrapped key (too short)");
        }
        byte[] ephemeralPublic = new byte[length];
        in.get(ephemeralPublic);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        PublicKey ephemeral;
        try {
            ephemeral = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(ephemeralPublic));
        } catch (GeneralSecurityException e) {
            throw new SealedBox.SealedBoxException("not a wrapped key: bad ephemeral key");
        }
        if (!(ephemeral instanceof ECPublicKey theirs) || !sameCurve(theirs.getParams(), P256)) {
            throw new SealedBox.SealedBoxException("not a wrapped key: the ephemeral key is not on P-256");
        }
        byte[] kek;
        try {
            kek = kek(own, ephemeral, ephemeralPublic);
        } catch (GeneralSecurityException e) {
            throw new SealedBox.SealedBoxException("key agreement failed: " + e.getMessage());
        }
        return new SealedBox(kek).open(sealed, context);
    }

    /** ECDH, then HKDF salted with the ephemeral public key so each copy has its own AES key. */
    private static byte[] kek(PrivateKey own, PublicKey other, byte[] ephemeralPublic)
            throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(own);
        agreement.doPhase(other, true);
        byte[] shared = agreement.generateSecret();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, ephemeralPublic, INFO));
        byte[] kek = new byte[SealedBox.KEY_LENGTH];
        hkdf.generateBytes(kek, 0, kek.length);
        Arrays.fill(shared, (byte) 0);
        return kek;
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder()) && a.getCofactor() == b.getCofactor();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(CURVE));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JVM", e);
        }
    }
}
