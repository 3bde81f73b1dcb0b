package io.trellis.controlplane.pki;

/**
 * Who may connect beyond holding a valid certificate of the cluster: a certificate outlives a
 * demotion or a removal (node certificates last 90 days), so listeners also ask the cluster's
 * current membership.
 */
@FunctionalInterface
public interface PeerAuthorization {
    /** Certificates alone decide (tests, and a node that has no membership to consult). */
    PeerAuthorization CERTIFICATE_ONLY = peer -> null;

    /** @return null when {@code peer} may connect now, else a one-line reason */
    String refusal(NodeIdentity peer);
}
