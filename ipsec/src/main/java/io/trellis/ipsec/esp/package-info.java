/**
 * ESP (RFC 4303) with AES-GCM-16 (RFC 4106), 64-bit extended sequence numbers and a 2048-packet
 * anti-replay window, in place on Netty {@code ByteBuf}s.
 *
 * <p><b>Buffer ownership:</b> {@link io.trellis.ipsec.esp.EspOutbound} and
 * {@link io.trellis.ipsec.esp.EspInbound} never call {@code retain()} or {@code release()} on a buffer
 * passed in and never move its reader or writer index; the caller owns it before and after, and sets
 * the writer index from the returned lengths. {@link io.trellis.ipsec.esp.EspFlyweight} keeps a plain
 * reference until the next {@code wrap}.
 *
 * <p><b>Threads:</b> one {@code EspOutbound} and one {@code EspInbound} per data-plane thread; SAs are
 * shared and thread-safe. Nothing here logs per packet: {@link io.trellis.ipsec.esp.EspCounters} counts.
 */
package io.trellis.ipsec.esp;
