package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.arp.ArpEncoder;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;

/** Builds test frames with {@link VirtualSwitch#HEADROOM} bytes free in front, as the TAP reader does. */
final class Frames {
    static final int OFFSET = VirtualSwitch.HEADROOM;

    private Frames() {
    }

    /** Ethernet + IPv4 (protocol 253, "experimentation") with {@code payload} zero bytes. */
    static ByteBuf ipv4(long dstMac, long srcMac, int srcIp, int dstIp, int payload, boolean dontFragment) {
        // Wrapped, not allocated: the leak detector (paranoid in tests) records every access of
        // allocator buffers, which would swamp the allocation measurement.
        ByteBuf b = Unpooled.wrappedBuffer(java.nio.ByteBuffer.allocateDirect(OFFSET + 14 + 20 + payload));
        b.writerIndex(OFFSET + 14 + 20 + payload);
        EthernetEncoder.write(b, OFFSET, dstMac, srcMac, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(b, OFFSET + 14, srcIp, dstIp, 253, payload, 64, 1, 0, dontFragment);
        return b;
    }

    static ByteBuf arpRequest(long srcMac, int srcIp, int targetIp) {
        ByteBuf b = Unpooled.directBuffer(OFFSET + 14 + 28);
        b.writerIndex(OFFSET + 14 + 28);
        EthernetEncoder.write(b, OFFSET, 0xFFFF_FFFF_FFFFL, srcMac, EtherType.ARP_VALUE);
        ArpEncoder.writeRequest(b, OFFSET + 14, srcMac, srcIp, targetIp);
        return b;
    }

    static int length(ByteBuf frame) {
        return frame.writerIndex() - OFFSET;
    }

    static boolean isIcmp(byte[] frame) {
        return frame.length > 34 && (frame[14 + Ipv4Flyweight.PROTOCOL_OFFSET] & 0xFF) == IpProtocol.ICMP_NUMBER;
    }
}
