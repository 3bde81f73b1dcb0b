package io.trellis.vxlan.arp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.MacBits;

/** Writes 28-byte ARP requests and replies for IPv4 over Ethernet (RFC 826) at an absolute offset. */
public final class ArpEncoder {
    private ArpEncoder() {
    }

    /** A request "who has {@code targetIp}? tell {@code senderIp}"; the target MAC is zero (RFC 826). Returns 28. */
    public static int writeRequest(ByteBuf buf, int offset, long senderMac, int senderIp, int targetIp) {
        return write(buf, offset, ArpOperation.REQUEST_CODE, senderMac, senderIp, MacBits.ZERO, targetIp);
    }

    /** A reply "{@code senderIp} is at {@code senderMac}" addressed to the requester. Returns 28. */
    public static int writeReply(ByteBuf buf, int offset, long senderMac, int senderIp, long targetMac, int targetIp) {
        return write(buf, offset, ArpOperation.REPLY_CODE, senderMac, senderIp, targetMac, targetIp);
    }

    /** Any opcode; returns 28. */
    public static int write(ByteBuf buf, int offset, int operation, long senderMac, int senderIp,
                            long targetMac, int targetIp) {
        buf.setShort(offset + ArpFlyweight.HARDWARE_TYPE_OFFSET, ArpFlyweight.HARDWARE_TYPE_ETHERNET);
        buf.setShort(offset + ArpFlyweight.PROTOCOL_TYPE_OFFSET, EtherType.IPV4_VALUE);
        buf.setByte(offset + ArpFlyweight.HARDWARE_LENGTH_OFFSET, ArpFlyweight.ETHERNET_ADDRESS_LENGTH);
        buf.setByte(offset + ArpFlyweight.PROTOCOL_LENGTH_OFFSET, ArpFlyweight.IPV4_ADDRESS_LENGTH);
        buf.setShort(offset + ArpFlyweight.OPERATION_OFFSET, operation);
        buf.setShort(offset + ArpFlyweight.SENDER_HARDWARE_ADDRESS_OFFSET, (int) (senderMac >>> 32));
        buf.setInt(offset + ArpFlyweight.SENDER_HARDWARE_ADDRESS_OFFSET + 2, (int) senderMac);
        buf.setInt(offset + ArpFlyweight.SENDER_PROTOCOL_ADDRESS_OFFSET, senderIp);
        buf.setShort(offset + ArpFlyweight.TARGET_HARDWARE_ADDRESS_OFFSET, (int) (targetMac >>> 32));
        buf.setInt(offset + ArpFlyweight.TARGET_HARDWARE_ADDRESS_OFFSET + 2, (int) targetMac);
        buf.setInt(offset + ArpFlyweight.TARGET_PROTOCOL_ADDRESS_OFFSET, targetIp);
        return ArpFlyweight.LENGTH;
    }
}
