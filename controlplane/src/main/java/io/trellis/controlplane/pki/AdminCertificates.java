package io.trellis.controlplane.pki;

import java.net.InetAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Certificates for the admin API over TCP, signed by the cluster's root CA but with roles no node
 * has: {@value #CLIENT_OU} for an administrator's client, {@value #SERVER_OU} for an agent's TCP
 * admin listener. {@link ClusterTrust} reads only node roles, so the cluster port and Raft refuse
 * both; the admin listener accepts only {@value #CLIENT_OU}, so a node certificate taken from a
 * node does not open the admin API of the others.
 */
public final class AdminCertificates {
    public static final String CLIENT_OU = "swarm-admin";
    public static final String SERVER_OU = "swarm-admin-server";
    /** As long as a node certificate: a lost admin certificate stops working within a quarter. */
    public static final Duration VALIDITY = CertificateAuthority.NODE_VALIDITY_DEFAULT;

    private AdminCertificates() {
    }

    /** A new key and its certificate, in PEM, with the CA that signed it. */
    public record Issued(String caPem, String certificatePem, String keyPem) {
    }

    /** A client certificate for the administrator {@code name} (its CN). */
    public static Issued client(CertificateAuthority ca, String clusterId, String name) {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new IllegalArgumentException("an admin certificate needs a name of 1-64 characters");
        }
        return issue(ca, subject(clusterId, CLIENT_OU, name), KeyPurposeId.id_kp_clientAuth, null);
    }

    /**
     * A server certificate for an agent's TCP admin listener, valid for the addresses and names
     * clients dial ({@code 127.0.0.1}, {@code node1.example}); clients check them like HTTPS does.
     */
    public static Issued server(CertificateAuthority ca, String clusterId, List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("an admin listener certificate needs at least one address or name");
        }
        GeneralName[] alt = names.stream().map(AdminCertificates::alternativeName).toArray(GeneralName[]::new);
        return issue(ca, subject(clusterId, SERVER_OU, names.get(0)), KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(alt));
    }

    private static Issued issue(CertificateAuthority ca, X500Name subject, KeyPurposeId purpose, GeneralNames names) {
        KeyPair key = CertificateRequests.newKeyPair();
        return new Issued(Pem.encode(ca.certificate()),
                Pem.encode(ca.sign(key.getPublic(), subject, purpose, names, VALIDITY)), Pem.encode(key.getPrivate()));
    }

    private static X500Name subject(String clusterId, String ou, String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, clusterId).addRDN(BCStyle.OU, ou).addRDN(BCStyle.CN, cn).build();
    }

    private static GeneralName alternativeName(String name) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("empty address or name for the admin listener certificate");
        }
        if (isIpLiteral(name)) {
            return new GeneralName(GeneralName.iPAddress, name);
        }
        if (!name.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("\"" + name + "\" is neither an IP address nor a DNS name");
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    private static boolean isIpLiteral(String name) {
        if (!name.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(name); // a literal: no lookup happens
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
