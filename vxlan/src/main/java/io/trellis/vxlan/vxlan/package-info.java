/**
 * The 8-byte VXLAN header (RFC 7348 §5): {@link io.trellis.vxlan.vxlan.VxlanFlyweight} and
 * {@link io.trellis.vxlan.vxlan.VxlanEncoder}. The whole encapsulated packet, outer headers included,
 * is decoded by {@link io.trellis.vxlan.packet.VxlanPacketDecoder}.
 *
 * <p><b>Buffer ownership:</b> these codecs never retain or release the {@code ByteBuf} passed in and
 * never move its indexes; the caller owns it.
 */
package io.trellis.vxlan.vxlan;
