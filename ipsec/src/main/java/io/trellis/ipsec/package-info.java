/**
 * Encrypted overlays: ESP (RFC 4303) with AES-GCM (RFC 4106), anti-replay and keys. Knows nothing of
 * networks, sockets or Raft; the data plane calls it per packet, the control plane and the tunnel CLI
 * feed it keys. docs/encryption.md describes the wire format and the key protocol.
 *
 * <ul>
 *   <li>{@link io.trellis.ipsec.esp}: the per-packet path ({@code EspOutbound}, {@code EspInbound},
 *       {@code ReplayWindow}, {@code SecurityAssociation}, counters).</li>
 *   <li>{@link io.trellis.ipsec.keyring}: master keys, SA derivation, the key file and the
 *       {@code KeyRing} that rotates without loss.</li>
 *   <li>{@link io.trellis.ipsec.Configuration}: every tunable and its default.</li>
 * </ul>
 */
package io.trellis.ipsec;
