/**
 * The IPv4 header (RFC 791) with options and header checksum: {@link io.trellis.vxlan.ipv4.Ipv4Flyweight},
 * {@link io.trellis.vxlan.ipv4.Ipv4Encoder} and {@link io.trellis.vxlan.ipv4.Ipv4Address} (addresses as
 * {@code int}s on hot paths).
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.ipv4;
