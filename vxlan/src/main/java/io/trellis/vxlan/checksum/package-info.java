/**
 * The Internet checksum (RFC 1071) over a {@code ByteBuf} range without copying, the IPv4/IPv6
 * pseudo-header sums that TCP, UDP and ICMPv6 checksums cover, and the incremental update of
 * RFC 1624 that the routing mesh's NAT uses when it rewrites addresses and ports.
 *
 * <p><b>Buffer ownership:</b> these functions read the caller's buffer with absolute gets; they never
 * retain or release it and never move its indexes. The caller owns it.
 */
package io.trellis.vxlan.checksum;
