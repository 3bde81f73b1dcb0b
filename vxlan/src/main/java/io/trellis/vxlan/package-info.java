/**
 * Packet codecs for the overlay (Ethernet, ARP, IPv4, IPv6, UDP, TCP, ICMP, VXLAN RFC 7348) as
 * flyweights over Netty {@code ByteBuf}s. No I/O happens here.
 *
 * <p>One package per protocol, each with a flyweight ({@code *Flyweight}: {@code wrap}, getters and
 * setters at {@code *_OFFSET} constants, {@code check()} returning a {@link io.trellis.vxlan.Malformed}
 * reason) and an encoder ({@code *Encoder}). {@link io.trellis.vxlan.packet.VxlanPacketDecoder} runs them
 * layer by layer over a whole VXLAN packet without allocating.
 *
 * <p><b>Buffer ownership:</b> the codecs never call {@code retain()} or {@code release()} on a
 * {@code ByteBuf} passed in; the caller owns it and releases it. A flyweight keeps a plain reference
 * from {@code wrap} until the next {@code wrap}, so the caller keeps the buffer alive while it uses
 * the flyweight. Reader and writer indexes are never changed: all access is absolute.
 */
package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;
