/**
 * The fixed IPv6 header (RFC 8200 §3): {@link io.trellis.vxlan.ipv6.Ipv6Flyweight},
 * {@link io.trellis.vxlan.ipv6.Ipv6Encoder} and {@link io.trellis.vxlan.ipv6.Ipv6Address}. Addresses are
 * two {@code long}s (high and low 64 bits) on hot paths. Extension headers are not walked: a packet
 * whose next header is not an upper-layer protocol decodes to its IPv6 header only.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.ipv6;
