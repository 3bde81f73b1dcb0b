package io.trellis.vxlan.packet;

import io.trellis.vxlan.Malformed;

import io.trellis.vxlan.IpProtocol;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.icmp.IcmpFlyweight;
import io.trellis.vxlan.icmp.Icmpv6Flyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpFlyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

/**
 * Decodes a VXLAN packet layer by layer with reusable flyweights — no allocation, no exceptions on
 * any input bytes. Three entry points match where a packet comes from:
 * <ul>
 *   <li>{@link #decodeUnderlayFrame}: outer Ethernet → IPv4/IPv6 → UDP → VXLAN → inner frame (raw
 *       sockets, captures);</li>
 *   <li>{@link #decodeDatagram}: a UDP payload as the VTEP's socket delivers it, VXLAN header first;</li>
 *   <li>{@link #decodeInnerFrame}: an Ethernet frame as a TAP device delivers it.</li>
 * </ul>
 * The inner frame decodes to ARP, or IPv4/IPv6 and then TCP, UDP, ICMP or ICMPv6. Unknown
 * EtherTypes, protocols, IPv6 extension headers and IP fragments stop the decode early without
 * error ({@link #has(Layer)} tells how far it got): the switch forwards by MAC and needs no more.
 *
 * <p>After a decode, the flyweights of the decoded layers point into the caller's buffer until the
 * next decode; the decoder never retains or releases the buffer. One instance per thread.
 */
public final class VxlanPacketDecoder {
    /** The headers this decoder knows, in decode order. Used for {@link #has} and {@link #failedLayer}. */
    public enum Layer {
        NONE, OUTER_ETHERNET, OUTER_IPV4, OUTER_IPV6, OUTER_UDP, VXLAN, INNER_ETHERNET, INNER_ARP,
        INNER_IPV4, INNER_IPV6, INNER_TCP, INNER_UDP, INNER_ICMP, INNER_ICMPV6
    }

    private final EthernetFlyweight outerEthernet = new EthernetFlyweight();
    private final Ipv4Flyweight outerIpv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight outerIpv6 = new Ipv6Flyweight();
    private final UdpFlyweight outerUdp = new UdpFlyweight();
    private final VxlanFlyweight vxlan = new VxlanFlyweight();
    private final EthernetFlyweight innerEthernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight innerIpv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight innerIpv6 = new Ipv6Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();

    private final int vxlanPort;
    private final boolean verifyOuterUdpChecksum;
    private final boolean verifyInnerChecksums;
    private int present;
    private Layer failedLayer = Layer.NONE;

    /** Port 4789, every checksum verified. */
    public VxlanPacketDecoder() {
        this(VxlanFlyweight.UDP_PORT, true, true);
    }

    /**
     * @param vxlanPort              outer UDP destination port that marks VXLAN (RFC 7348 §5: 4789)
     * @param verifyOuterUdpChecksum verify a non-zero outer UDP checksum (a zero one is always accepted, RFC 7348 §5)
     * @param verifyInnerChecksums   verify inner TCP, UDP and ICMPv6 checksums. Turn off where a
     *                               kernel peer sends CHECKSUM_PARTIAL packets over veth and the data
     *                               path fills or forwards them (docs/architecture.md, "The checksum trap").
     *                               IPv4 header and ICMPv4 checksums are always verified: no offload
     *                               leaves them partial.
     */
    public VxlanPacketDecoder(int vxlanPort, boolean verifyOuterUdpChecksum, boolean verifyInnerChecksums) {
        this.vxlanPort = vxlanPort;
        this.verifyOuterUdpChecksum = verifyOuterUdpChecksum;
        this.verifyInnerChecksums = verifyInnerChecksums;
    }

    /** Decodes a whole underlay Ethernet frame of {@code length} bytes at {@code offset}. */
    public Malformed decodeUnderlayFrame(ByteBuf buf, int offset, int length) {
        reset();
        Malformed m = outerEthernet.wrap(buf, offset, length).check();
        if (m != Malformed.NONE) {
            return fail(Layer.OUTER_ETHERNET, m);
        }
        mark(Layer.OUTER_ETHERNET);
        final int type = outerEthernet.etherType();
        final int pseudoHeaderSum;
        if (type == EtherType.IPV4_VALUE) {
            m = outerIpv4.wrap(buf, outerEthernet.payloadOffset(), outerEthernet.payloadLength()).check();
            if (m != Malformed.NONE) {
                return fail(Layer.OUTER_IPV4, m);
            }
            mark(Layer.OUTER_IPV4);
            // A VTEP does not reassemble: fragmented underlay packets are for the kernel's socket path.
            if (outerIpv4.protocol() != IpProtocol.UDP_NUMBER || outerIpv4.isFragment()) {
                return fail(Layer.OUTER_IPV4, Malformed.UNSUPPORTED);
            }
            m = outerUdp.wrap(buf, outerIpv4.payloadOffset(), outerIpv4.payloadLength()).check();
            if (m != Malformed.NONE) {
                return fail(Layer.OUTER_UDP, m);
            }
            pseudoHeaderSum = InternetChecksum.pseudoHeaderSumIpv4(outerIpv4.source(), outerIpv4.destination(),
                    IpProtocol.UDP_NUMBER, outerUdp.udpLength());
        } else if (type == EtherType.IPV6_VALUE) {
            m = outerIpv6.wrap(buf, outerEthernet.payloadOffset(), outerEthernet.payloadLength()).check();
            if (m != Malformed.NONE) {
                return fail(Layer.OUTER_IPV6, m);
            }
            mark(Layer.OUTER_IPV6);
            if (outerIpv6.nextHeader() != IpProtocol.UDP_NUMBER) {
                return fail(Layer.OUTER_IPV6, Malformed.UNSUPPORTED);
            }
            m = outerUdp.wrap(buf, outerIpv6.payloadOffset(), outerIpv6.payloadLength()).check();
            if (m != Malformed.NONE) {
                return fail(Layer.OUTER_UDP, m);
            }
            pseudoHeaderSum = InternetChecksum.pseudoHeaderSumIpv6(buf, outerIpv6.offset(),
                    IpProtocol.UDP_NUMBER, outerUdp.udpLength());
        } else {
            return fail(Layer.OUTER_ETHERNET, Malformed.UNSUPPORTED);
        }
        mark(Layer.OUTER_UDP);
        if (outerUdp.destinationPort() != vxlanPort) {
            return fail(Layer.OUTER_UDP, Malformed.UNSUPPORTED);
        }
        // RFC 7348 §5: a zero UDP checksum must be accepted; a non-zero one must be correct
        // (over IPv6 the zero checksum relies on RFC 6935 §5 tunnel rules).
        if (verifyOuterUdpChecksum && !outerUdp.checksumValid(pseudoHeaderSum)) {
            return fail(Layer.OUTER_UDP, Malformed.BAD_CHECKSUM);
        }
        return decodeVxlan(buf, outerUdp.payloadOffset(), outerUdp.payloadLength());
    }

    /** Decodes a UDP payload (VXLAN header + inner frame) as received on the VTEP socket. */
    public Malformed decodeDatagram(ByteBuf buf, int offset, int length) {
        reset();
        return decodeVxlan(buf, offset, length);
    }

    /** Decodes an inner Ethernet frame, e.g. one read from a TAP device. */
    public Malformed decodeInnerFrame(ByteBuf buf, int offset, int length) {
        reset();
        return decodeInner(buf, offset, length);
    }

    private Malformed decodeVxlan(ByteBuf buf, int offset, int length) {
        Malformed m = vxlan.wrap(buf, offset, length).check();
        if (m != Malformed.NONE) {
            return fail(Layer.VXLAN, m);
        }
        mark(Layer.VXLAN);
        return decodeInner(buf, vxlan.payloadOffset(), vxlan.payloadLength());
    }

    private Malformed decodeInner(ByteBuf buf, int offset, int length) {
        Malformed m = innerEthernet.wrap(buf, offset, length).check();
        if (m != Malformed.NONE) {
            return fail(Layer.INNER_ETHERNET, m);
        }
        mark(Layer.INNER_ETHERNET);
        final int type = innerEthernet.etherType();
        final int l3 = innerEthernet.payloadOffset();
        final int l3Length = innerEthernet.payloadLength();
        if (type == EtherType.ARP_VALUE) {
            m = arp.wrap(buf, l3, l3Length).check();
            if (m != Malformed.NONE) {
                return fail(Layer.INNER_ARP, m);
            }
            mark(Layer.INNER_ARP);
            return Malformed.NONE;
        }
        if (type == EtherType.IPV4_VALUE) {
            return decodeInnerIpv4(buf, l3, l3Length);
        }
        if (type == EtherType.IPV6_VALUE) {
            return decodeInnerIpv6(buf, l3, l3Length);
        }
        return Malformed.NONE;
    }

    private Malformed decodeInnerIpv4(ByteBuf buf, int offset, int length) {
        Malformed m = innerIpv4.wrap(buf, offset, length).check();
        if (m != Malformed.NONE) {
            return fail(Layer.INNER_IPV4, m);
        }
        mark(Layer.INNER_IPV4);
        if (innerIpv4.isFragment()) {
            // The transport header and checksum span fragments; a switch does not reassemble.
            return Malformed.NONE;
        }
        final int l4 = innerIpv4.payloadOffset();
        final int l4Length = innerIpv4.payloadLength();
        final int source = innerIpv4.source();
        final int destination = innerIpv4.destination();
        switch (innerIpv4.protocol()) {
            case IpProtocol.TCP_NUMBER:
                return decodeTcp(buf, l4, l4Length,
                        InternetChecksum.pseudoHeaderSumIpv4(source, destination, IpProtocol.TCP_NUMBER, l4Length));
            case IpProtocol.UDP_NUMBER:
                m = udp.wrap(buf, l4, l4Length).check();
                if (m != Malformed.NONE) {
                    return fail(Layer.INNER_UDP, m);
                }
                mark(Layer.INNER_UDP);
                if (verifyInnerChecksums && !udp.checksumValid(InternetChecksum.pseudoHeaderSumIpv4(
                        source, destination, IpProtocol.UDP_NUMBER, udp.udpLength()))) {
                    return fail(Layer.INNER_UDP, Malformed.BAD_CHECKSUM);
                }
                return Malformed.NONE;
            case IpProtocol.ICMP_NUMBER:
                m = icmp.wrap(buf, l4, l4Length).check();
                if (m != Malformed.NONE) {
                    return fail(Layer.INNER_ICMP, m);
                }
                mark(Layer.INNER_ICMP);
                return Malformed.NONE;
            default:
                return Malformed.NONE;
        }
    }

    private Malformed decodeInnerIpv6(ByteBuf buf, int offset, int length) {
        Malformed m = innerIpv6.wrap(buf, offset, length).check();
        if (m != Malformed.NONE) {
            return fail(Layer.INNER_IPV6, m);
        }
        mark(Layer.INNER_IPV6);
        final int l4 = innerIpv6.payloadOffset();
        final int l4Length = innerIpv6.payloadLength();
        final int ip = innerIpv6.offset();
        switch (innerIpv6.nextHeader()) {
            case IpProtocol.TCP_NUMBER:
                return decodeTcp(buf, l4, l4Length,
                        InternetChecksum.pseudoHeaderSumIpv6(buf, ip, IpProtocol.TCP_NUMBER, l4Length));
            case IpProtocol.UDP_NUMBER:
                m = udp.wrap(buf, l4, l4Length).check();
                if (m != Malformed.NONE) {
                    return fail(Layer.INNER_UDP, m);
                }
                mark(Layer.INNER_UDP);
                // RFC 8200 §8.1: over IPv6 a zero UDP checksum is not "none" but invalid.
                if (verifyInnerChecksums && (udp.checksum() == UdpFlyweight.NO_CHECKSUM || !udp.checksumValid(
                        InternetChecksum.pseudoHeaderSumIpv6(buf, ip, IpProtocol.UDP_NUMBER, udp.udpLength())))) {
                    return fail(Layer.INNER_UDP, Malformed.BAD_CHECKSUM);
                }
                return Malformed.NONE;
            case IpProtocol.ICMPV6_NUMBER:
                m = icmpv6.wrap(buf, l4, l4Length).check();
                if (m != Malformed.NONE) {
                    return fail(Layer.INNER_ICMPV6, m);
                }
                mark(Layer.INNER_ICMPV6);
                if (verifyInnerChecksums && !icmpv6.checksumValid(
                        InternetChecksum.pseudoHeaderSumIpv6(buf, ip, IpProtocol.ICMPV6_NUMBER, l4Length))) {
                    return fail(Layer.INNER_ICMPV6, Malformed.BAD_CHECKSUM);
                }
                return Malformed.NONE;
            default:
                return Malformed.NONE;
        }
    }

    private Malformed decodeTcp(ByteBuf buf, int offset, int length, int pseudoHeaderSum) {
        Malformed m = tcp.wrap(buf, offset, length).check();
        if (m != Malformed.NONE) {
            return fail(Layer.INNER_TCP, m);
        }
        mark(Layer.INNER_TCP);
        if (verifyInnerChecksums && !tcp.checksumValid(pseudoHeaderSum)) {
            return fail(Layer.INNER_TCP, Malformed.BAD_CHECKSUM);
        }
        return Malformed.NONE;
    }

    private void reset() {
        present = 0;
        failedLayer = Layer.NONE;
    }

    private void mark(Layer layer) {
        present |= 1 << layer.ordinal();
    }

    private Malformed fail(Layer layer, Malformed reason) {
        failedLayer = layer;
        return reason;
    }

    /**
     * True if {@code layer} was found and structurally valid in the last decode. A layer can be
     * present and still be the {@link #failedLayer()} when only its checksum or its kind was rejected.
     */
    public boolean has(Layer layer) {
        return (present & 1 << layer.ordinal()) != 0;
    }

    /** The layer that made the last decode fail, or {@link Layer#NONE} if it succeeded. */
    public Layer failedLayer() {
        return failedLayer;
    }

    /** The VNI of the last decode; only meaningful if {@code has(Layer.VXLAN)}. */
    public int vni() {
        return vxlan.vni();
    }

    public EthernetFlyweight outerEthernet() {
        return outerEthernet;
    }

    public Ipv4Flyweight outerIpv4() {
        return outerIpv4;
    }

    public Ipv6Flyweight outerIpv6() {
        return outerIpv6;
    }

    public UdpFlyweight outerUdp() {
        return outerUdp;
    }

    public VxlanFlyweight vxlan() {
        return vxlan;
    }

    public EthernetFlyweight innerEthernet() {
        return innerEthernet;
    }

    public ArpFlyweight arp() {
        return arp;
    }

    public Ipv4Flyweight innerIpv4() {
        return innerIpv4;
    }

    public Ipv6Flyweight innerIpv6() {
        return innerIpv6;
    }

    public TcpFlyweight tcp() {
        return tcp;
    }

    public UdpFlyweight udp() {
        return udp;
    }

    public IcmpFlyweight icmp() {
        return icmp;
    }

    public Icmpv6Flyweight icmpv6() {
        return icmpv6;
    }
}
