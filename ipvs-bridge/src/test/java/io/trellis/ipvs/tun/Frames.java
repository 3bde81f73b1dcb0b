package io.trellis.ipvs.tun;

import java.nio.ByteBuffer;

/**
 * Hand-built Ethernet/ARP/IPv4/ICMP/TCP bytes for the tests, with the RFC 1071 checksum. Kept tiny
 * and local on purpose: the vxlan module's codecs are not a dependency of this module. Every
 * method works on absolute indexes from {@code at}, the first byte of the Ethernet header.
 */
final class Frames {

    static final int ETH_LEN = 14;
    static final int IPV4_LEN = 20;
    static final int ETHERTYPE_OFFSET = 12;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int ARP_FRAME_LEN = ETH_LEN + 28;
    static final int L4 = ETH_LEN + IPV4_LEN; // no IP options in anything built or expected here

    private Frames() {
    }

    static byte[] mac(String text) {
        return io.trellis.ipvs.netlink.MacAddress.parse(text).bytes();
    }

    static byte[] ipv4(String text) {
        String[] parts = text.split("\\.");
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            ip[i] = (byte) Integer.parseInt(parts[i]);
        }
        return ip;
    }

    static int ethertype(ByteBuffer frame, int at) {
        return Short.toUnsignedInt(frame.getShort(at + ETHERTYPE_OFFSET));
    }

    static boolean isIpv4(ByteBuffer frame, int at, int protocol) {
        return ethertype(frame, at) == ETHERTYPE_IPV4 && (frame.get(at + ETH_LEN + 9) & 0xff) == protocol;
    }

    static byte[] bytes(ByteBuffer frame, int at, int length) {
        byte[] out = new byte[length];
        frame.get(at, out);
        return out;
    }

    /** RFC 826 reply from {@code senderMac}/{@code senderIp} to {@code targetMac}/{@code targetIp}. */
    static int putArpReply(ByteBuffer frame, int at, byte[] senderMac, byte[] senderIp, byte[] targetMac,
            byte[] targetIp) {
        putEthernet(frame, at, targetMac, senderMac, ETHERTYPE_ARP);
        int arp = at + ETH_LEN;
        frame.putShort(arp, (short) 1);                 // htype Ethernet
        frame.putShort(arp + 2, (short) ETHERTYPE_IPV4); // ptype
        frame.put(arp + 4, (byte) 6).put(arp + 5, (byte) 4);
        frame.putShort(arp + 6, (short) 2);             // op reply
        frame.put(arp + 8, senderMac).put(arp + 14, senderIp).put(arp + 18, targetMac).put(arp + 24, targetIp);
        return ARP_FRAME_LEN;
    }

    /** An ICMP echo request or reply (RFC 792) with {@code payload} bytes of data. */
    static int putEcho(ByteBuffer frame, int at, int type, byte[] dstMac, byte[] srcMac, byte[] srcIp,
            byte[] dstIp, int payload) {
        int icmpLength = 8 + payload;
        putEthernet(frame, at, dstMac, srcMac, ETHERTYPE_IPV4);
        putIpv4(frame, at, PROTO_ICMP, srcIp, dstIp, icmpLength);
        int icmp = at + L4;
        frame.put(icmp, (byte) type).put(icmp + 1, (byte) 0).putShort(icmp + 2, (short) 0);
        frame.putShort(icmp + 4, (short) 0x7e11).putShort(icmp + 6, (short) 1); // id, sequence
        for (int i = 0; i < payload; i++) {
            frame.put(icmp + 8 + i, (byte) i);
        }
        frame.putShort(icmp + 2, (short) checksum(frame, icmp, icmpLength, 0));
        return L4 + icmpLength;
    }

    /** Turns the echo request at {@code at} into its reply in place, as the peer would answer. */
    static int turnIntoEchoReply(ByteBuffer frame, int at) {
        byte[] dstMac = bytes(frame, at, 6);
        byte[] srcMac = bytes(frame, at + 6, 6);
        frame.put(at, srcMac).put(at + 6, dstMac);
        int ip = at + ETH_LEN;
        byte[] srcIp = bytes(frame, ip + 12, 4);
        byte[] dstIp = bytes(frame, ip + 16, 4);
        frame.put(ip + 12, dstIp).put(ip + 16, srcIp);
        frame.put(ip + 8, (byte) 64).putShort(ip + 10, (short) 0);
        frame.putShort(ip + 10, (short) checksum(frame, ip, IPV4_LEN, 0));
        int icmpLength = Short.toUnsignedInt(frame.getShort(ip + 2)) - IPV4_LEN;
        int icmp = at + L4;
        frame.put(icmp, (byte) 0).putShort(icmp + 2, (short) 0);
        frame.putShort(icmp + 2, (short) checksum(frame, icmp, icmpLength, 0));
        return L4 + icmpLength;
    }

    /** A TCP segment without payload; {@code options} must be a multiple of 4 bytes. */
    static int putTcp(ByteBuffer frame, int at, byte[] dstMac, byte[] srcMac, byte[] srcIp, byte[] dstIp,
            int srcPort, int dstPort, long seq, long ack, int flags, byte[] options) {
        int tcpLength = 20 + options.length;
        putEthernet(frame, at, dstMac, srcMac, ETHERTYPE_IPV4);
        putIpv4(frame, at, PROTO_TCP, srcIp, dstIp, tcpLength);
        int tcp = at + L4;
        frame.putShort(tcp, (short) srcPort).putShort(tcp + 2, (short) dstPort);
        frame.putInt(tcp + 4, (int) seq).putInt(tcp + 8, (int) ack);
        frame.put(tcp + 12, (byte) (tcpLength / 4 << 4)).put(tcp + 13, (byte) flags);
        frame.putShort(tcp + 14, (short) 0xffff).putShort(tcp + 16, (short) 0).putShort(tcp + 18, (short) 0);
        frame.put(tcp + 20, options);
        // RFC 793 §3.1: the checksum also covers a pseudo-header of addresses, protocol and length.
        int pseudo = sum16(srcIp) + sum16(dstIp) + PROTO_TCP + tcpLength;
        frame.putShort(tcp + 16, (short) checksum(frame, tcp, tcpLength, pseudo));
        return L4 + tcpLength;
    }

    /** RFC 1071: one's complement of the one's complement sum of 16-bit words, plus {@code initial}. */
    static int checksum(ByteBuffer frame, int from, int length, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += Short.toUnsignedInt(frame.getShort(from + i));
        }
        if ((length & 1) != 0) {
            sum += (frame.get(from + length - 1) & 0xff) << 8;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) ~sum & 0xffff;
    }

    private static void putEthernet(ByteBuffer frame, int at, byte[] dstMac, byte[] srcMac, int ethertype) {
        frame.put(at, dstMac).put(at + 6, srcMac).putShort(at + ETHERTYPE_OFFSET, (short) ethertype);
    }

    private static void putIpv4(ByteBuffer frame, int at, int protocol, byte[] srcIp, byte[] dstIp, int l4Length) {
        int ip = at + ETH_LEN;
        frame.put(ip, (byte) 0x45).put(ip + 1, (byte) 0).putShort(ip + 2, (short) (IPV4_LEN + l4Length));
        frame.putShort(ip + 4, (short) 0).putShort(ip + 6, (short) 0x4000); // id 0, DF
        frame.put(ip + 8, (byte) 64).put(ip + 9, (byte) protocol).putShort(ip + 10, (short) 0);
        frame.put(ip + 12, srcIp).put(ip + 16, dstIp);
        frame.putShort(ip + 10, (short) checksum(frame, ip, IPV4_LEN, 0));
    }

    private static int sum16(byte[] ip) {
        return ((ip[0] & 0xff) << 8 | ip[1] & 0xff) + ((ip[2] & 0xff) << 8 | ip[3] & 0xff);
    }
}
