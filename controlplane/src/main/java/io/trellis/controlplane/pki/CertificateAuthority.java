package io.trellis.controlplane.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The cluster's root CA (EC P-256, like swarmkit's): created by {@code swarm init}, it signs every
 * node certificate from the node's CSR, with the node ID as CN, the role as OU and the cluster ID
 * as O, so mTLS peers learn who and what the other side is from its certificate alone.
 */
public final class CertificateAuthority {
    /** Swarm's defaults: the root lives 20 years, node certificates 90 days. */
    public static final Duration ROOT_VALIDITY_DEFAULT = Duration.ofDays(20 * 365);
    public static final Duration NODE_VALIDITY_DEFAULT = Duration.ofDays(90);
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    /** A new root for cluster {@code clusterId}. */
    public static CertificateAuthority create(String clusterId, Clock clock) {
        try {
            KeyPair kp = newKeyPair();
            Instant now = clock.instant();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, clusterId).addRDN(BCStyle.CN, "trellis-root-ca").build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(ROOT_VALIDITY_DEFAULT)), name, kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(kp.getPrivate())));
            return new CertificateAuthority(cert, kp.getPrivate(), clock);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("creating the root CA failed: " + e.getMessage(), e);
        }
    }

    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /**
     * Signs a node's CSR. The CSR only proves possession of the key: identity and role come from
     * the caller (the manager that accepted the join token), never from the CSR's subject.
     */
    public X509Certificate issue(PKCS10CertificationRequest csr, String nodeId, NodeRole role, String clusterId,
                                 Duration validity) {
        try {
            // The JDK has no KeyFactory registered under the EC OID: decode the key by algorithm name.
            var publicKey = java.security.KeyFactory.getInstance("EC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new IllegalArgumentException("the certificate signing request's signature does not verify");
            }
            Instant now = clock.instant();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, clusterId).addRDN(BCStyle.OU, role.organizationalUnit())
                    .addRDN(BCStyle.CN, nodeId).build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, publicKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            // Peers connect by address, not name: hostname checks are replaced by CN/OU checks.
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, nodeId)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
        } catch (PKCSException | OperatorCreationException | GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot sign the certificate signing request: " + e.getMessage(), e);
        }
    }

    /**
     * Credentials for a node whose key is made here, by the CA's holder: the first manager at
     * {@code swarm init} (and tests). Joining nodes make their own key and send only a CSR.
     */
    public NodeTls issueLocal(String nodeId, NodeRole role, String clusterId) {
        KeyPair key = CertificateRequests.newKeyPair();
        return new NodeTls(key.getPrivate(), issue(CertificateRequests.create(key), nodeId, role, clusterId,
                NODE_VALIDITY_DEFAULT), certificate);
    }

    /**
     * Signs a certificate that is not a node's (admin client or admin listener, see
     * {@link AdminCertificates}): {@code subject} as given, one extended key usage, optional SANs.
     */
    X509Certificate sign(java.security.PublicKey publicKey, X500Name subject, KeyPurposeId purpose,
                         GeneralNames names, Duration validity) {
        try {
            Instant now = clock.instant();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, publicKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (names != null) {
                b.addExtension(Extension.subjectAlternativeName, false, names);
            }
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
        } catch (OperatorCreationException | GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("signing a certificate failed: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
    }

    private static BigInteger serial() {
        return new BigInteger(128, RANDOM);
    }
}
