/**
 * ARP for IPv4 over Ethernet (RFC 826): {@link io.trellis.vxlan.arp.ArpFlyweight},
 * {@link io.trellis.vxlan.arp.ArpEncoder} and the open enum {@link io.trellis.vxlan.arp.ArpOperation}.
 * The data plane answers requests for known addresses from its own table instead of flooding them.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.arp;
