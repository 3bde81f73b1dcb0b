/**
 * UDP (RFC 768): {@link io.trellis.vxlan.udp.UdpFlyweight} and {@link io.trellis.vxlan.udp.UdpEncoder},
 * with the checksum over the IPv4 or IPv6 pseudo-header from {@code io.trellis.vxlan.checksum}.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.udp;
