package io.trellis.controlplane.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** The joining node's side: a fresh key pair, and a CSR that proves possession of its private key. */
public final class CertificateRequests {
    private CertificateRequests() {
    }

    /** The key never leaves the node; only the CSR (public key + signature) is sent. */
    public static PKCS10CertificationRequest create(KeyPair keyPair) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=trellis-node"), keyPair.getPublic())
                    .build(CertificateAuthority.signer(keyPair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("building the certificate signing request failed", e);
        }
    }

    public static KeyPair newKeyPair() {
        try {
            return CertificateAuthority.newKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JVM", e);
        }
    }
}
