package io.trellis.vxlan.arp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.ethernet.EtherType;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type 0x0800, address
 * lengths 6 and 4, so the packet is 28 bytes. MACs are {@code long}s and IPv4 addresses {@code int}s.
 */
public final class ArpFlyweight extends Flyweight {
    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int SENDER_HARDWARE_ADDRESS_OFFSET = 8;
    public static final int SENDER_PROTOCOL_ADDRESS_OFFSET = 14;
    public static final int TARGET_HARDWARE_ADDRESS_OFFSET = 18;
    public static final int TARGET_PROTOCOL_ADDRESS_OFFSET = 24;
    /** The fixed part, up to and including the address lengths and the opcode. */
    public static final int FIXED_LENGTH = 8;
    public static final int LENGTH = 28;
    /** ar$hrd for Ethernet (IANA "Hardware Types"). */
    public static final int HARDWARE_TYPE_ETHERNET = 1;
    public static final int ETHERNET_ADDRESS_LENGTH = 6;
    public static final int IPV4_ADDRESS_LENGTH = 4;

    public ArpFlyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public ArpFlyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /**
     * {@link Malformed#TRUNCATED} if the fixed part or the 28-byte packet does not fit;
     * {@link Malformed#UNSUPPORTED} for ARP that is not IPv4 over Ethernet. Opcodes are not checked:
     * unknown ones are legal (the data plane ignores them).
     */
    public Malformed check() {
        if (length < FIXED_LENGTH) {
            return Malformed.TRUNCATED;
        }
        if (hardwareType() != HARDWARE_TYPE_ETHERNET || protocolType() != EtherType.IPV4_VALUE
                || hardwareLength() != ETHERNET_ADDRESS_LENGTH || protocolLength() != IPV4_ADDRESS_LENGTH) {
            return Malformed.UNSUPPORTED;
        }
        if (length < LENGTH) {
            return Malformed.TRUNCATED;
        }
        return Malformed.NONE;
    }

    public int hardwareType() {
        return buf.getUnsignedShort(offset + HARDWARE_TYPE_OFFSET);
    }

    public int protocolType() {
        return buf.getUnsignedShort(offset + PROTOCOL_TYPE_OFFSET);
    }

    public int hardwareLength() {
        return buf.getUnsignedByte(offset + HARDWARE_LENGTH_OFFSET);
    }

    public int protocolLength() {
        return buf.getUnsignedByte(offset + PROTOCOL_LENGTH_OFFSET);
    }

    /** The opcode; compare with {@link ArpOperation#REQUEST_CODE} / {@link ArpOperation#REPLY_CODE}. */
    public int operation() {
        return buf.getUnsignedShort(offset + OPERATION_OFFSET);
    }

    public ArpFlyweight operation(int operation) {
        buf.setShort(offset + OPERATION_OFFSET, operation);
        return this;
    }

    public long senderHardwareAddress() {
        return readMac(offset + SENDER_HARDWARE_ADDRESS_OFFSET);
    }

    public ArpFlyweight senderHardwareAddress(long mac) {
        writeMac(offset + SENDER_HARDWARE_ADDRESS_OFFSET, mac);
        return this;
    }

    public int senderProtocolAddress() {
        return buf.getInt(offset + SENDER_PROTOCOL_ADDRESS_OFFSET);
    }

    public ArpFlyweight senderProtocolAddress(int ipv4) {
        buf.setInt(offset + SENDER_PROTOCOL_ADDRESS_OFFSET, ipv4);
        return this;
    }

    public long targetHardwareAddress() {
        return readMac(offset + TARGET_HARDWARE_ADDRESS_OFFSET);
    }

    public ArpFlyweight targetHardwareAddress(long mac) {
        writeMac(offset + TARGET_HARDWARE_ADDRESS_OFFSET, mac);
        return this;
    }

    public int targetProtocolAddress() {
        return buf.getInt(offset + TARGET_PROTOCOL_ADDRESS_OFFSET);
    }

    public ArpFlyweight targetProtocolAddress(int ipv4) {
        buf.setInt(offset + TARGET_PROTOCOL_ADDRESS_OFFSET, ipv4);
        return this;
    }

    /** Gratuitous ARP (RFC 5227 §3): sender and target protocol addresses are equal. */
    public boolean isGratuitous() {
        return senderProtocolAddress() == targetProtocolAddress();
    }

    /** Always 28 for the IPv4-over-Ethernet packets this flyweight accepts. */
    public int headerLength() {
        return LENGTH;
    }

    private long readMac(int index) {
        return (long) buf.getUnsignedShort(index) << 32 | buf.getUnsignedInt(index + 2);
    }

    private void writeMac(int index, long mac) {
        buf.setShort(index, (int) (mac >>> 32));
        buf.setInt(index + 2, (int) mac);
    }
}
