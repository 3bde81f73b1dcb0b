package io.trellis.controlplane.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Admin certificates come from the cluster CA but open neither the cluster port nor Raft. */
class AdminCertificatesTest {
    private final CertificateAuthority ca = CertificateAuthority.create("c1", Clock.systemUTC());

    @Test
    void clientCertificateCarriesTheAdminRoleAndIsRefusedByNodeTrust() throws Exception {
        AdminCertificates.Issued issued = AdminCertificates.client(ca, "c1", "alice");
        X509Certificate cert = Pem.certificate(issued.certificatePem());

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice,OU=swarm-admin,O=c1");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        cert.verify(ca.certificate().getPublicKey());
        assertThat(Pem.privateKey(issued.keyPem()).getAlgorithm()).isEqualTo("EC");
        assertThatThrownBy(() -> ClusterTrust.anyNode(ca.certificate(), "c1").verify(new X509Certificate[] {cert}))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not a node certificate");
        assertThatThrownBy(() -> ClusterTrust.managers(ca.certificate(), "c1").verify(new X509Certificate[] {cert}))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void serverCertificateNamesItsAddressesAndIsRefusedByNodeTrust() throws Exception {
        X509Certificate cert = Pem.certificate(AdminCertificates.server(ca, "c1", List.of("127.0.0.1", "node1.example"))
                .certificatePem());

        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
                .containsExactly((Object) "127.0.0.1", "node1.example");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThatThrownBy(() -> ClusterTrust.anyNode(ca.certificate(), "c1").verify(new X509Certificate[] {cert}))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void badNamesAreRefusedInOneLine() {
        assertThatThrownBy(() -> AdminCertificates.server(ca, "c1", List.of("bad name")))
                .hasMessage("\"bad name\" is neither an IP address nor a DNS name");
        assertThatThrownBy(() -> AdminCertificates.client(ca, "c1", " "))
                .hasMessage("an admin certificate needs a name of 1-64 characters");
    }
}
