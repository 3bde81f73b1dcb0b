package io.trellis.admin;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which clients the TCP admin listener serves: a chain the JDK's PKIX check accepts against the
 * admin CA, whose leaf carries the admin role in its subject OU. The role check matters when the
 * admin CA is the cluster's root CA, which also signs every node certificate: a certificate taken
 * from a node must not open the admin API.
 */
final class AdminClientTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final String requiredOu;

    AdminClientTrust(X509ExtendedTrustManager pkix, String requiredOu) {
        this.pkix = pkix;
        this.requiredOu = requiredOu;
    }

    private void checkRole(X509Certificate[] chain) throws CertificateException {
        try {
            for (Rdn rdn : new LdapName(chain[0].getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU") && requiredOu.equals(rdn.getValue())) {
                    return;
                }
            }
        } catch (InvalidNameException e) {
            throw new CertificateException("unreadable client certificate subject", e);
        }
        throw new CertificateException("the client certificate " + chain[0].getSubjectX500Principal().getName()
                + " is not an admin certificate (OU=" + requiredOu + ")");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        checkRole(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        checkRole(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        checkRole(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the admin listener trusts no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
