/**
 * ESP (RFC 4303) with AES-GCM (RFC 4106), anti-replay window and key ring. Knows nothing of networks
 * or Raft. Filled in by the encrypted-overlay issue.
 */
package io.trellis.ipsec;
