/**
 * ICMPv4 (RFC 792) and ICMPv6 (RFC 4443): echo request/reply, and the two messages path MTU
 * discovery needs from an overlay whose MTU is 50 bytes below the underlay's — "destination
 * unreachable / fragmentation needed" with the next-hop MTU (RFC 1191 §4) and "packet too big"
 * (RFC 4443 §3.2). {@link io.trellis.vxlan.icmp.IcmpFlyweight}, {@link io.trellis.vxlan.icmp.Icmpv6Flyweight},
 * {@link io.trellis.vxlan.icmp.IcmpEncoder}, {@link io.trellis.vxlan.icmp.Icmpv6Encoder}.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf}s passed in
 * (including the original packet an error message quotes) and never move their indexes; the caller
 * owns them.
 */
package io.trellis.vxlan.icmp;
