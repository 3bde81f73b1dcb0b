package io.trellis.dataplane.lb;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.icmp.IcmpFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpFlyweight;

/**
 * VIP load balancing in the sending node's switch, in place on the frame: DNAT of a client's
 * packet to a VIP (destination address and MAC → a backend's, chosen by the VIP's balancer for a
 * new flow, the flow's own for a known one) and the reverse translation of the backend's replies
 * (source address and MAC → the VIP's). TCP, UDP and ICMP echo; the service port is never changed.
 *
 * <p>Hairpin: when the backend chosen for a flow is its client itself (a task calling its own
 * service), DNAT alone would give the task a packet from itself to itself, which its kernel drops
 * as martian. As kube-proxy and Docker do, the source then becomes the VIP too: the task gets
 * VIP:clientport → itself:port, and its answer (itself:port → VIP:clientport, sent to the VIP's MAC
 * and so arriving at {@link #forward}) is matched as that flow's reply and rewritten to
 * VIP:port → itself:clientport. Either way the packet from the task to the VIP leaves as VIP → task,
 * source and destination exchanged; the entry records it by holding the client as its backend.
 *
 * <p>Checksums are updated incrementally (RFC 1624): the IPv4 header's, and TCP's or UDP's through
 * the pseudo-header. A checksum left partial by the sender (virtio NEEDS_CSUM, which TSO frames
 * always are) holds only the pseudo-header sum, so it is updated as a sum, not as a checksum. ICMP's
 * checksum does not cover the addresses. A hairpin's exchange of source and destination changes no
 * checksum: every sum over the addresses is the same in either order.
 *
 * <p>Refusals (never a silent blackhole for TCP): a SYN to a VIP without backends, a segment of
 * no known connection, or of a connection whose backend left the VIP's set, is answered with an
 * RST from the VIP (never an RST to an RST). UDP and ICMP to a VIP without backends are dropped; a
 * UDP or ICMP flow whose backend left moves to another one. Every refusal is counted under a
 * {@link DropReason}. Not translated: IPv4 fragments (no ports to key on) and other protocols.
 *
 * <p>Balancing: {@code rr} and {@code least-conn} as for published ports; {@code maglev} hashes the
 * flow's 5-tuple (see {@link FlowKey#flowHash}). {@code least-conn} counts the TCP connections this
 * node's NAT holds open per backend: {@link Conntrack} reports each flow's opening and end.
 *
 * <p>No allocation, no locks on an established flow's packets (see {@link Conntrack}); a new flow's
 * pick neither allocates nor locks either.
 */
public final class VipNat {
    private final Conntrack conntrack;

    public VipNat(Conntrack conntrack) {
        this.conntrack = conntrack;
    }

    public Conntrack conntrack() {
        return conntrack;
    }

    /**
     * A client's IPv4 packet to a VIP of {@code table}, or a hairpin backend's reply to it, its
     * Ethernet frame at {@code frame} and its IPv4 header at {@code ip}. Returns true when it was
     * translated and should be forwarded to {@link VipContext#backendMac()}; false when it was
     * refused ({@link VipContext#drop()}, maybe with an RST to send back in {@link VipContext#reply()}).
     *
     * @param partialField absolute index of a checksum field the sender left partial, or -1
     */
    public boolean forward(VipContext c, VipTable table, int vni, ByteBuf buf, int frame, int ip, int ipLength,
                           int partialField) {
        c.clear();
        Ipv4Flyweight v4 = c.ipv4.wrap(buf, ip, ipLength);
        if (v4.check() != Malformed.NONE) {
            return refuse(c, DropReason.MALFORMED);
        }
        VipTable.Vip vip = table.find(v4.destination());
        if (vip == null || v4.isFragment()) {
            return refuse(c, DropReason.VIP_UNSUPPORTED);
        }
        int protocol = v4.protocol();
        int l4 = v4.payloadOffset();
        int l4Length = v4.payloadLength();
        FlowKey key = c.key;
        TcpFlyweight tcp = null;
        int newState;
        boolean echoReply = false;
        switch (protocol) {
            case IpProtocol.TCP_NUMBER -> {
                tcp = c.tcp.wrap(buf, l4, l4Length);
                if (tcp.check() != Malformed.NONE) {
                    return refuse(c, DropReason.MALFORMED);
                }
                key.set(vni, protocol, v4.source(), tcp.sourcePort(), tcp.destinationPort());
                newState = Conntrack.TCP_HALF_OPEN;
            }
            case IpProtocol.UDP_NUMBER -> {
                UdpFlyweight udp = c.udp.wrap(buf, l4, l4Length);
                if (udp.check() != Malformed.NONE) {
                    return refuse(c, DropReason.MALFORMED);
                }
                key.set(vni, protocol, v4.source(), udp.sourcePort(), udp.destinationPort());
                newState = Conntrack.UDP;
            }
            case IpProtocol.ICMP_NUMBER -> {
                IcmpFlyweight icmp = c.icmp.wrap(buf, l4, l4Length);
                if (icmp.check() != Malformed.NONE) {
                    return refuse(c, DropReason.MALFORMED);
                }
                echoReply = icmp.type() == IcmpFlyweight.TYPE_ECHO_REPLY;
                if (icmp.type() != IcmpFlyweight.TYPE_ECHO_REQUEST && !echoReply) {
                    return refuse(c, DropReason.VIP_UNSUPPORTED);
                }
                key.set(vni, protocol, v4.source(), icmp.identifier(), 0);
                newState = Conntrack.ICMP;
            }
            default -> {
                return refuse(c, DropReason.VIP_UNSUPPORTED);
            }
        }
        key.vip(vip.address);
        int flags = tcp == null ? 0 : tcp.flags();
        boolean opens = tcp == null || (flags & (TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_RST))
                == TcpFlyweight.FLAG_SYN;
        long now = conntrack.now();
        if (echoReply) {
            // Only a hairpin backend answers a ping to the VIP; anything else is no echo of ours.
            return hairpinReply(c, table, buf, frame, v4, null, now) || refuse(c, DropReason.VIP_UNSUPPORTED);
        }
        if (conntrack.findForward(key, now)) {
            BackendCounters counters = table.member(vip.address, key.backend);
            if (counters == null) {
                // The backend left the set: a TCP connection cannot move, so the client learns now.
                conntrack.remove(key);
                if (!opens) {
                    return reset(c, tcp, l4Length, buf, frame, key, DropReason.VIP_BACKEND_GONE);
                }
            } else if (tcp != null && opens && key.state == Conntrack.TCP_CLOSING) {
                conntrack.remove(key); // a new connection reusing the closed one's ports: balance it afresh
            } else {
                if (tcp != null && key.state != Conntrack.TCP_CLOSING
                        && (flags & (TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_RST)) != 0) {
                    conntrack.transition(key, key.state, Conntrack.TCP_CLOSING, now);
                }
                toBackend(buf, frame, v4, protocol, l4, partialField, key);
                counters.count(ipLength(v4));
                c.backendMac = EndpointAddress.macOf(key.backend);
                return true;
            }
        } else if (hairpinReply(c, table, buf, frame, v4, tcp, now)) {
            return true;
        } else if (!opens) {
            return reset(c, tcp, l4Length, buf, frame, key, DropReason.VIP_NO_CONNECTION);
        }
        if (vip.backends.length == 0) {
            return tcp == null ? refuse(c, DropReason.VIP_NO_BACKEND)
                    : reset(c, tcp, l4Length, buf, frame, key, DropReason.VIP_NO_BACKEND);
        }
        int b = vip.pick(key);
        key.backend(vip.backends[b]);
        if (!conntrack.insert(key, newState, now, tcp == null ? null : vip.gauge(b))) {
            return refuse(c, DropReason.CONNTRACK_FULL);
        }
        toBackend(buf, frame, v4, protocol, l4, partialField, key);
        vip.counters[b].count(ipLength(v4));
        c.backendMac = vip.macs[b];
        return true;
    }

    /**
     * A packet to the VIP that no flow of its sender's claims (in {@code c.key}, VIP included):
     * if it is a hairpin backend's reply, translates it like the flow's other replies and returns
     * true. Otherwise returns false with the key as it was, for the caller to open a flow or refuse.
     * The reply swaps the flow's ports (ICMP echo keeps its identifier both ways), and its
     * destination is the flow's VIP, so the flow's own entry is looked up by its client side: exact
     * even when the task reaches two VIPs from one port.
     */
    private boolean hairpinReply(VipContext c, VipTable table, ByteBuf buf, int frame, Ipv4Flyweight v4,
                                 TcpFlyweight tcp, long now) {
        FlowKey key = c.key;
        int vni = key.vni;
        int protocol = key.protocol;
        int self = key.client;
        int sourcePort = key.clientPort;
        int destinationPort = key.port;
        int vip = key.vip;
        if (protocol != IpProtocol.ICMP_NUMBER) {
            key.set(vni, protocol, self, destinationPort, sourcePort).vip(vip);
        }
        if (!conntrack.findForward(key, now) || key.backend != self) {
            key.set(vni, protocol, self, sourcePort, destinationPort).vip(vip);
            return false;
        }
        if (tcp != null) {
            replied(key, tcp.flags(), now);
        }
        BackendCounters counters = table.member(vip, self);
        if (counters != null) {
            counters.count(ipLength(v4));
        }
        hairpin(buf, frame, v4, vip, self);
        c.backendMac = EndpointAddress.macOf(self);
        return true;
    }

    /**
     * A frame about to be delivered to a local port: if it is a backend's reply on a flow this node
     * translated, its source becomes the VIP again. Returns whether it was translated; anything
     * else passes unchanged (a backend talking to a client directly, or not IPv4 at all).
     *
     * @param partialField absolute index of a checksum field the sender left partial, or -1
     */
    public boolean reverse(VipContext c, VipTable table, int vni, ByteBuf buf, int frame, int ip, int ipLength,
                           int partialField) {
        Ipv4Flyweight v4 = c.ipv4.wrap(buf, ip, ipLength);
        if (v4.check() != Malformed.NONE || v4.isFragment() || !table.isBackend(v4.source())) {
            return false;
        }
        int protocol = v4.protocol();
        int l4 = v4.payloadOffset();
        int l4Length = v4.payloadLength();
        FlowKey key = c.key;
        TcpFlyweight tcp = null;
        switch (protocol) {
            case IpProtocol.TCP_NUMBER -> {
                tcp = c.tcp.wrap(buf, l4, l4Length);
                if (tcp.check() != Malformed.NONE) {
                    return false;
                }
                key.set(vni, protocol, v4.destination(), tcp.destinationPort(), tcp.sourcePort());
            }
            case IpProtocol.UDP_NUMBER -> {
                UdpFlyweight udp = c.udp.wrap(buf, l4, l4Length);
                if (udp.check() != Malformed.NONE) {
                    return false;
                }
                key.set(vni, protocol, v4.destination(), udp.destinationPort(), udp.sourcePort());
            }
            case IpProtocol.ICMP_NUMBER -> {
                IcmpFlyweight icmp = c.icmp.wrap(buf, l4, l4Length);
                if (icmp.check() != Malformed.NONE || icmp.type() != IcmpFlyweight.TYPE_ECHO_REPLY) {
                    return false;
                }
                key.set(vni, protocol, v4.destination(), icmp.identifier(), 0);
            }
            default -> {
                return false;
            }
        }
        key.backend(v4.source());
        long now = conntrack.now();
        if (!conntrack.findReverse(key, now)) {
            return false;
        }
        if (tcp != null) {
            replied(key, tcp.flags(), now);
        }
        int vip = key.vip;
        int backend = key.backend;
        BackendCounters counters = table.member(vip, backend);
        if (counters != null) {
            counters.count(ipLength(v4));
        }
        buf.setShort(frame + EthernetFlyweight.SOURCE_OFFSET, (int) (EndpointAddress.macOf(vip) >>> 32));
        buf.setInt(frame + EthernetFlyweight.SOURCE_OFFSET + 2, (int) EndpointAddress.macOf(vip));
        translate(buf, v4, Ipv4Flyweight.SOURCE_OFFSET, protocol, l4, partialField, backend, vip);
        return true;
    }

    /**
     * A local task's IPv4 packet to an address that is no VIP (its IPv4 header at {@code ip}): if it
     * opens a flow (a TCP SYN without ACK, any UDP datagram) whose 4-tuple is exactly a NAT flow's
     * as its backend sees it, that NAT flow is over and its entry is removed; returns whether one
     * was. Otherwise the backend's replies to the new, direct flow would match the old entry and
     * come back from the VIP, which the client drops. This happens when the client's kernel reuses
     * a VIP connection's local port for a direct connection to the backend it was balanced to:
     * legal, since its own TIME_WAIT is for the VIP's 4-tuple. Linux conntrack likewise gives the
     * tuple to the new flow. The packet itself is never changed.
     *
     * <p>Cost: any other packet reads its protocol and TCP flags and leaves, so established direct
     * traffic pays no lookup; a SYN or UDP datagram to no VIP backend pays one map lookup.
     */
    public boolean supersede(VipContext c, VipTable table, int vni, ByteBuf buf, int ip, int ipLength) {
        if (ipLength < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return false;
        }
        int protocol = buf.getUnsignedByte(ip + Ipv4Flyweight.PROTOCOL_OFFSET);
        if (protocol == IpProtocol.TCP_NUMBER) {
            int flagsAt = (buf.getUnsignedByte(ip + Ipv4Flyweight.VERSION_IHL_OFFSET) & 0x0F) * 4
                    + TcpFlyweight.FLAGS_OFFSET;
            if (flagsAt >= ipLength || (buf.getUnsignedByte(ip + flagsAt)
                    & (TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_RST)) != TcpFlyweight.FLAG_SYN) {
                return false;
            }
        } else if (protocol != IpProtocol.UDP_NUMBER) {
            return false;
        }
        if (!table.isBackend(buf.getInt(ip + Ipv4Flyweight.DESTINATION_OFFSET))) {
            return false; // replies of no backend are never translated (see reverse): no clash possible
        }
        Ipv4Flyweight v4 = c.ipv4.wrap(buf, ip, ipLength);
        if (v4.check() != Malformed.NONE || v4.isFragment()) {
            return false;
        }
        int l4 = v4.payloadOffset();
        int l4Length = v4.payloadLength();
        FlowKey key = c.key;
        if (protocol == IpProtocol.TCP_NUMBER) {
            TcpFlyweight tcp = c.tcp.wrap(buf, l4, l4Length);
            if (tcp.check() != Malformed.NONE) {
                return false;
            }
            key.set(vni, protocol, v4.source(), tcp.sourcePort(), tcp.destinationPort());
        } else {
            UdpFlyweight udp = c.udp.wrap(buf, l4, l4Length);
            if (udp.check() != Malformed.NONE) {
                return false;
            }
            key.set(vni, protocol, v4.source(), udp.sourcePort(), udp.destinationPort());
        }
        // The reply side of a NAT flow is (client, client port, service port, backend): this packet's
        // source, ports and destination.
        key.backend(v4.destination());
        if (!conntrack.findReverse(key, conntrack.now())) {
            return false;
        }
        conntrack.remove(key); // found: the key now holds the entry's VIP, its client-side key
        return true;
    }

    /** A backend's TCP segment on a flow (found, in {@code key}): the state it moves the flow to. */
    private void replied(FlowKey key, int flags, long now) {
        if ((flags & (TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_RST)) != 0) {
            if (key.state != Conntrack.TCP_CLOSING) {
                conntrack.transition(key, key.state, Conntrack.TCP_CLOSING, now);
            }
        } else if (key.state == Conntrack.TCP_HALF_OPEN
                && (flags & (TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK)) == (TcpFlyweight.FLAG_SYN | TcpFlyweight.FLAG_ACK)) {
            conntrack.transition(key, Conntrack.TCP_HALF_OPEN, Conntrack.TCP_ESTABLISHED, now);
        }
    }

    /** A client's packet on a flow whose backend is in {@code key}: DNAT, and for a hairpin SNAT too. */
    private static void toBackend(ByteBuf buf, int frame, Ipv4Flyweight v4, int protocol, int l4, int partialField,
                                  FlowKey key) {
        if (key.hairpin()) {
            hairpin(buf, frame, v4, key.vip, key.client);
        } else {
            translateDestination(buf, frame, v4, protocol, l4, partialField, key.backend);
        }
    }

    /**
     * A hairpin's packet, {@code self} → {@code vip} in either direction of the flow, becomes
     * {@code vip} → {@code self}, from the VIP's MAC to the task's. Ports stay. The two addresses
     * only change places, so no checksum changes (a partial one, the pseudo-header's sum, neither).
     */
    private static void hairpin(ByteBuf buf, int frame, Ipv4Flyweight v4, int vip, int self) {
        long selfMac = EndpointAddress.macOf(self);
        long vipMac = EndpointAddress.macOf(vip);
        buf.setShort(frame + EthernetFlyweight.DESTINATION_OFFSET, (int) (selfMac >>> 32));
        buf.setInt(frame + EthernetFlyweight.DESTINATION_OFFSET + 2, (int) selfMac);
        buf.setShort(frame + EthernetFlyweight.SOURCE_OFFSET, (int) (vipMac >>> 32));
        buf.setInt(frame + EthernetFlyweight.SOURCE_OFFSET + 2, (int) vipMac);
        buf.setInt(v4.offset() + Ipv4Flyweight.SOURCE_OFFSET, vip);
        buf.setInt(v4.offset() + Ipv4Flyweight.DESTINATION_OFFSET, self);
    }

    private static void translateDestination(ByteBuf buf, int frame, Ipv4Flyweight v4, int protocol, int l4,
                                             int partialField, int backend) {
        long mac = EndpointAddress.macOf(backend);
        buf.setShort(frame + EthernetFlyweight.DESTINATION_OFFSET, (int) (mac >>> 32));
        buf.setInt(frame + EthernetFlyweight.DESTINATION_OFFSET + 2, (int) mac);
        translate(buf, v4, Ipv4Flyweight.DESTINATION_OFFSET, protocol, l4, partialField, v4.destination(), backend);
    }

    /** Rewrites one address of the IPv4 header and the checksums that cover it. */
    private static void translate(ByteBuf buf, Ipv4Flyweight v4, int addressOffset, int protocol, int l4,
                                  int partialField, int from, int to) {
        buf.setInt(v4.offset() + addressOffset, to);
        v4.headerChecksum(InternetChecksum.update32(v4.headerChecksum(), from, to));
        int field;
        if (protocol == IpProtocol.TCP_NUMBER) {
            field = l4 + TcpFlyweight.CHECKSUM_OFFSET;
        } else if (protocol == IpProtocol.UDP_NUMBER) {
            field = l4 + UdpFlyweight.CHECKSUM_OFFSET;
        } else {
            return; // ICMP: no pseudo-header
        }
        int checksum = buf.getUnsignedShort(field);
        if (field == partialField) {
            // A partial checksum is the pseudo-header's sum itself (not complemented): add the change.
            buf.setShort(field, InternetChecksum.complement(InternetChecksum.update32(InternetChecksum.complement(checksum), from, to)));
            return;
        }
        if (protocol == IpProtocol.UDP_NUMBER && checksum == UdpFlyweight.NO_CHECKSUM) {
            return; // RFC 768: none was computed, none is claimed
        }
        int updated = InternetChecksum.update32(checksum, from, to);
        buf.setShort(field, protocol == IpProtocol.UDP_NUMBER && updated == 0 ? 0xFFFF : updated);
    }

    private static int ipLength(Ipv4Flyweight v4) {
        return v4.totalLength();
    }

    private static boolean refuse(VipContext c, DropReason reason) {
        c.drop = reason;
        return false;
    }

    /** Refuses a TCP segment with an RST back to the client, unless the segment is an RST itself. */
    private static boolean reset(VipContext c, TcpFlyweight tcp, int l4Length, ByteBuf buf, int frame, FlowKey key,
                                 DropReason reason) {
        c.drop = reason;
        if (!tcp.hasFlags(TcpFlyweight.FLAG_RST)) {
            long clientMac = (long) buf.getUnsignedShort(frame + EthernetFlyweight.SOURCE_OFFSET) << 32
                    | buf.getUnsignedInt(frame + EthernetFlyweight.SOURCE_OFFSET + 2);
            c.replyLength = TcpReset.write(c.reply(), tcp, l4Length - tcp.headerLength(), clientMac, key.client,
                    key.vip);
        }
        return false;
    }
}
