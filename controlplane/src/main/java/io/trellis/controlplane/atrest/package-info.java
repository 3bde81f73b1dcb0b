/**
 * Encryption at rest for the control plane: the Raft log and snapshots are sealed with AES-256-GCM
 * under a data key, itself sealed by a key-encryption key that {@code --autolock} keeps off disk.
 */
package io.trellis.controlplane.atrest;
