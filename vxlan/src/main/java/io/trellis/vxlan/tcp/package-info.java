/**
 * The TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, data offset, flags,
 * window, checksum and the option list — {@link io.trellis.vxlan.tcp.TcpFlyweight} and
 * {@link io.trellis.vxlan.tcp.TcpEncoder}. The overlay never terminates TCP; it reads and rewrites
 * headers (NAT, MSS clamping) and fills checksums a kernel peer left partial.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.tcp;
