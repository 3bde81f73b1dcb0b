package io.trellis.vxlan.ethernet;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;

/**
 * An Ethernet II header, optionally carrying one IEEE 802.1Q tag (then the frame's type field
 * holds the TPID 0x8100, followed by the 16-bit TCI and the real EtherType):
 *
 * <pre>
 *  0      6      12          14         16          18
 *  | dst  | src  | type/TPID | TCI (tagged) | type (tagged) | payload
 * </pre>
 *
 * {@link #etherType()} and {@link #payloadOffset()} always describe the payload, tagged or not.
 * The frame check sequence is not part of what a TAP device or a VXLAN packet carries.
 */
public final class EthernetFlyweight extends Flyweight {
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    /** EtherType of an untagged frame, or the TPID of a tagged one. */
    public static final int TYPE_OFFSET = 12;
    /** 802.1Q Tag Control Information: PCP (3 bits), DEI (1), VID (12). */
    public static final int VLAN_TCI_OFFSET = 14;
    public static final int TAGGED_TYPE_OFFSET = 16;
    public static final int HEADER_LENGTH = 14;
    public static final int TAGGED_HEADER_LENGTH = 18;
    public static final int MAX_VLAN_ID = 0xFFF;

    public EthernetFlyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public EthernetFlyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /** {@link Malformed#TRUNCATED} if the header (with its tag, if any) does not fit, else {@link Malformed#NONE}. */
    public Malformed check() {
        if (length < HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        if (hasVlanTag() && length < TAGGED_HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        return Malformed.NONE;
    }

    public long destination() {
        return readMac(offset + DESTINATION_OFFSET);
    }

    public EthernetFlyweight destination(long mac) {
        writeMac(offset + DESTINATION_OFFSET, mac);
        return this;
    }

    public long source() {
        return readMac(offset + SOURCE_OFFSET);
    }

    public EthernetFlyweight source(long mac) {
        writeMac(offset + SOURCE_OFFSET, mac);
        return this;
    }

    /** The raw type field at offset 12: the EtherType, or 0x8100 when tagged. */
    public int typeField() {
        return buf.getUnsignedShort(offset + TYPE_OFFSET);
    }

    public boolean hasVlanTag() {
        return typeField() == EtherType.VLAN_VALUE;
    }

    /** The payload's EtherType (after the 802.1Q tag, if any). */
    public int etherType() {
        return buf.getUnsignedShort(offset + (hasVlanTag() ? TAGGED_TYPE_OFFSET : TYPE_OFFSET));
    }

    /** Sets the payload's EtherType (after the tag if the frame is tagged). */
    public EthernetFlyweight etherType(int etherType) {
        buf.setShort(offset + (hasVlanTag() ? TAGGED_TYPE_OFFSET : TYPE_OFFSET), etherType);
        return this;
    }

    /** The 16-bit 802.1Q Tag Control Information; only meaningful when {@link #hasVlanTag()}. */
    public int vlanTci() {
        return buf.getUnsignedShort(offset + VLAN_TCI_OFFSET);
    }

    /** VLAN identifier (low 12 bits of the TCI), or -1 for an untagged frame. */
    public int vlanId() {
        return hasVlanTag() ? vlanTci() & MAX_VLAN_ID : -1;
    }

    /** Priority code point (top 3 bits of the TCI); only meaningful when tagged. */
    public int priority() {
        return vlanTci() >>> 13;
    }

    /** Drop eligible indicator (bit 12 of the TCI); only meaningful when tagged. */
    public boolean dropEligible() {
        return (vlanTci() & 0x1000) != 0;
    }

    /** Sets the VLAN identifier, keeping PCP and DEI; the frame must already be tagged. */
    public EthernetFlyweight vlanId(int vlanId) {
        buf.setShort(offset + VLAN_TCI_OFFSET, (vlanTci() & ~MAX_VLAN_ID) | (vlanId & MAX_VLAN_ID));
        return this;
    }

    /** 14, or 18 with an 802.1Q tag. */
    public int headerLength() {
        return hasVlanTag() ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
    }

    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    private long readMac(int index) {
        return (long) buf.getUnsignedShort(index) << 32 | buf.getUnsignedInt(index + 2);
    }

    private void writeMac(int index, long mac) {
        buf.setShort(index, (int) (mac >>> 32));
        buf.setInt(index + 2, (int) mac);
    }
}
