package io.trellis.vxlan.ethernet;

import io.netty.buffer.ByteBuf;

/**
 * Writes Ethernet II headers at an absolute offset (no index changes). The payload is expected to
 * be written by the caller after the returned header length, or to be there already when the
 * header is written into headroom.
 */
public final class EthernetEncoder {
    private EthernetEncoder() {
    }

    /** Writes an untagged header; returns 14. */
    public static int write(ByteBuf buf, int offset, long destination, long source, int etherType) {
        writeMacs(buf, offset, destination, source);
        buf.setShort(offset + EthernetFlyweight.TYPE_OFFSET, etherType);
        return EthernetFlyweight.HEADER_LENGTH;
    }

    /**
     * Writes a header with one 802.1Q tag (TPID 0x8100, DEI 0); returns 18.
     *
     * @throws IllegalArgumentException if {@code vlanId} is not 0–4095 or {@code priority} not 0–7
     */
    public static int writeTagged(ByteBuf buf, int offset, long destination, long source,
                                  int vlanId, int priority, int etherType) {
        if (vlanId < 0 || vlanId > EthernetFlyweight.MAX_VLAN_ID) {
            throw new IllegalArgumentException("VLAN id " + vlanId + " is out of range: 802.1Q VIDs are 0 to 4095");
        }
        if (priority < 0 || priority > 7) {
            throw new IllegalArgumentException("VLAN priority " + priority + " is out of range: PCP is 0 to 7");
        }
        writeMacs(buf, offset, destination, source);
        buf.setShort(offset + EthernetFlyweight.TYPE_OFFSET, EtherType.VLAN_VALUE);
        buf.setShort(offset + EthernetFlyweight.VLAN_TCI_OFFSET, priority << 13 | vlanId);
        buf.setShort(offset + EthernetFlyweight.TAGGED_TYPE_OFFSET, etherType);
        return EthernetFlyweight.TAGGED_HEADER_LENGTH;
    }

    private static void writeMacs(ByteBuf buf, int offset, long destination, long source) {
        buf.setShort(offset, (int) (destination >>> 32));
        buf.setInt(offset + 2, (int) destination);
        buf.setShort(offset + 6, (int) (source >>> 32));
        buf.setInt(offset + 8, (int) source);
    }
}
