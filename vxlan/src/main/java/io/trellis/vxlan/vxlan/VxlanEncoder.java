package io.trellis.vxlan.vxlan;

import io.netty.buffer.ByteBuf;

/** Writes the 8-byte VXLAN header (RFC 7348 §5) at an absolute offset, e.g. into headroom before an inner frame. */
public final class VxlanEncoder {
    private VxlanEncoder() {
    }

    /**
     * Writes flags with only I set, the VNI, and zero reserved fields; returns 8.
     *
     * @throws IllegalArgumentException if {@code vni} is not 0–16777215
     */
    public static int write(ByteBuf buf, int offset, int vni) {
        if (vni < 0 || vni > VxlanFlyweight.MAX_VNI) {
            throw new IllegalArgumentException("VNI " + vni + " is out of range: a VXLAN network identifier is 24 bits (0 to 16777215)");
        }
        buf.setInt(offset, VxlanFlyweight.FLAG_I << 24);
        buf.setInt(offset + VxlanFlyweight.VNI_OFFSET, vni << 8);
        return VxlanFlyweight.HEADER_LENGTH;
    }
}
