/**
 * Ethernet II frames with an optional IEEE 802.1Q VLAN tag: {@link io.trellis.vxlan.ethernet.EthernetFlyweight},
 * {@link io.trellis.vxlan.ethernet.EthernetEncoder}, the open enum {@link io.trellis.vxlan.ethernet.EtherType}
 * and {@link io.trellis.vxlan.ethernet.MacBits} (MACs as {@code long}s on hot paths).
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.ethernet;
