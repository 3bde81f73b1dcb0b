/**
 * Packet codecs (Ethernet, ARP, IPv4/IPv6, UDP, TCP, ICMP, VXLAN RFC 7348) as flyweights over Netty
 * {@code ByteBuf}s. No I/O happens here. Filled in by the user-space data-plane issue.
 */
package io.trellis.vxlan;
