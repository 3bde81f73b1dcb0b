package io.trellis.controlplane.pki;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/** Who a peer is, read from its verified node certificate: node ID (CN), role (OU), cluster (O). */
public record NodeIdentity(String nodeId, NodeRole role, String clusterId) {

    public static NodeIdentity of(X509Certificate cert) {
        try {
            X500Name subject = new JcaX509CertificateHolder(cert).getSubject();
            return new NodeIdentity(value(subject, BCStyle.CN), NodeRole.fromOrganizationalUnit(value(subject, BCStyle.OU)),
                    value(subject, BCStyle.O));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("unreadable certificate subject", e);
        }
    }

    private static String value(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        if (rdns.length != 1) {
            throw new IllegalArgumentException("certificate subject " + name + " lacks exactly one " + BCStyle.INSTANCE.oidToDisplayName(type));
        }
        return IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }
}
