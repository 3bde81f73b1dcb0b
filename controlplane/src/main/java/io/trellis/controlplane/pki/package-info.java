/**
 * The cluster's PKI (BouncyCastle): the root CA made by {@code swarm init}, node certificates issued
 * from CSRs with node ID, role and cluster in the subject, and Swarm-style join tokens that pin the
 * CA. Transport security (mTLS on the cluster API and Raft) builds on these.
 */
package io.trellis.controlplane.pki;
