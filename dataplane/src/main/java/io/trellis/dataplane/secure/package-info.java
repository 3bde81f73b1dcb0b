/**
 * Encrypted overlays (docs/encryption.md): VXLAN datagrams carried in ESP (RFC 4303, AES-GCM per
 * RFC 4106) over UDP on their own port (RFC 3948, default 4500), in transport mode over the whole
 * VXLAN UDP datagram. {@link io.trellis.dataplane.secure.EspVtep} is the ESP socket and the
 * switch's {@link io.trellis.dataplane.switching.VtepSink} for encrypted networks;
 * {@link io.trellis.dataplane.secure.EspKeys} says which SA protects a VNI's traffic to a VTEP and
 * which network an inbound SA may deliver into.
 *
 * <p>Buffer ownership: the switch owns the buffers it passes to {@code send}/{@code sendRun}; the
 * ESP packets are built in per-thread buffers owned by {@link io.trellis.dataplane.secure.EspSealer}
 * (unpooled, allocated once, never released: they live as long as the thread), so nothing is
 * retained after a send returns. Received datagrams are Netty's: decrypted in place, handed to the
 * switch, released by Netty after the handler returns. Buffers queued on the channel (only when the
 * socket buffer is full) are pooled copies that Netty releases once written.
 */
package io.trellis.dataplane.secure;
