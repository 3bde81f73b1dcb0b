package io.trellis.controlplane.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class PkiTest {
    private final CertificateAuthority ca = CertificateAuthority.create("cluster1", Clock.systemUTC());

    @Test
    void rootIsAnEcP256CaThatSignsNodeCertificatesWithIdentityInTheSubject() throws Exception {
        assertThat(ca.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);

        KeyPair node = CertificateRequests.newKeyPair();
        PKCS10CertificationRequest csr = Pem.csr(Pem.encode(CertificateRequests.create(node)));
        X509Certificate cert = ca.issue(csr, "node-abc", NodeRole.WORKER, "cluster1", Duration.ofDays(90));

        assertThat(NodeIdentity.of(cert)).isEqualTo(new NodeIdentity("node-abc", NodeRole.WORKER, "cluster1"));
        assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        // A standard PKIX validator accepts the chain to our root.
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }

    @Test
    void certificateFromAnotherCaDoesNotValidate() throws Exception {
        CertificateAuthority other = CertificateAuthority.create("cluster2", Clock.systemUTC());
        X509Certificate foreign = other.issue(CertificateRequests.create(CertificateRequests.newKeyPair()),
                "n", NodeRole.MANAGER, "cluster2", Duration.ofDays(1));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        assertThatThrownBy(() -> CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(foreign)), params))
                .isInstanceOf(java.security.cert.CertPathValidatorException.class);
    }

    @Test
    void pemRoundTripsCertificatesAndKeys() {
        X509Certificate back = Pem.certificate(Pem.encode(ca.certificate()));
        assertThat(back).isEqualTo(ca.certificate());
        assertThat(Pem.privateKey(Pem.encode(ca.key()))).isEqualTo(ca.key());
        assertThatThrownBy(() -> Pem.certificate("garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.csr(Pem.encode(ca.certificate()))).hasMessage("not a PEM certificate signing request");
    }

    @Test
    void joinTokenPinsTheCaAndParsesStrictly() {
        JoinToken t = JoinToken.generate(ca.certificate());
        String text = t.toString();
        assertThat(text).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
        JoinToken parsed = JoinToken.parse("  " + text + "\n");
        assertThat(parsed).isEqualTo(t);
        assertThat(parsed.matches(ca.certificate())).isTrue();
        assertThat(parsed.matches(CertificateAuthority.create("x", Clock.systemUTC()).certificate())).isFalse();
        assertThat(parsed.sameSecret(t)).isTrue();
        assertThat(parsed.sameSecret(JoinToken.generate(ca.certificate()))).isFalse();

        assertThatThrownBy(() -> JoinToken.parse("SWMTKN-2-abc")).hasMessageContaining("must start with SWMTKN-1-");
        assertThatThrownBy(() -> JoinToken.parse(text.substring(0, text.length() - 1)))
                .hasMessageStartingWith("invalid join token: expected");
        assertThatThrownBy(() -> JoinToken.parse(text.toUpperCase().replace("SWMTKN", "SWMTKN")))
                .hasMessageStartingWith("invalid join token");
        assertThatThrownBy(() -> JoinToken.parse(null)).hasMessageStartingWith("invalid join token");
    }

    @Test
    void rejectsCsrWhoseSignatureDoesNotVerify() {
        KeyPair a = CertificateRequests.newKeyPair();
        KeyPair b = CertificateRequests.newKeyPair();
        // A CSR carrying b's public key but signed with a's private key.
        PKCS10CertificationRequest forged;
        try {
            forged = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                    new org.bouncycastle.asn1.x500.X500Name("CN=x"), b.getPublic())
                    .build(CertificateAuthority.signer(a.getPrivate()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> ca.issue(forged, "n", NodeRole.WORKER, "cluster1", Duration.ofDays(1)))
                .hasMessageContaining("signature does not verify");
    }
}
