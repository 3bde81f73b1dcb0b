/**
 * The fixed IPv6 header (RFC 8200 §3): {@link io.trellis.vxlan.ipv6.Ipv6Flyweight} and
 * {@link io.trellis.vxlan.ipv6.Ipv6Encoder}. Addresses are two {@code long}s (high and low 64 bits,
 * network order); their text forms are Netty's {@code NetUtil}'s. Extension headers are not walked: a packet
 * whose next header is not an upper-layer protocol decodes to its IPv6 header only.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.ipv6;
