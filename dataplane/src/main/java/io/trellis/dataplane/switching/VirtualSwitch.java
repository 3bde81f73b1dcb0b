package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.Conntrack;
import io.trellis.dataplane.lb.ConntrackSettings;
import io.trellis.dataplane.lb.VipContext;
import io.trellis.dataplane.lb.VipNat;
import io.trellis.dataplane.offload.SegmentRejection;
import io.trellis.dataplane.table.LongLongMap;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.arp.ArpOperation;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ethernet.MacBits;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.icmp.IcmpEncoder;
import io.trellis.vxlan.icmp.Icmpv6Encoder;
import io.trellis.vxlan.icmp.Icmpv6Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Encoder;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.vxlan.VxlanEncoder;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

/**
 * The per-node virtual switch: frames from local ports go to another local port or, VXLAN
 * encapsulated in place, to the remote VTEP that the control plane said hosts the destination;
 * VXLAN packets from remote VTEPs go to the local port of their destination, and only from the
 * VTEPs the control plane named (the peers in {@link SwitchTables}). No flood-and-learn:
 * ARP is answered from the table, unknown unicast and broadcast are dropped and counted.
 *
 * <p>VIPs: a frame from a local port to a VIP's MAC is load balanced here, in the sender's switch
 * ({@link VipNat}: DNAT to a backend, then forwarded like any frame to it), and a backend's reply
 * to a local client of such a flow, from a local port or a remote VTEP, gets the VIP back as its
 * source just before delivery. Only the client's node holds the flow's entry. A task balanced to
 * itself (hairpin) gets its packets back on its own port from the VIP, and its replies, sent to the
 * VIP's MAC, take the same VIP path. A client that opens a direct flow to a backend on the 4-tuple
 * of one of its NAT flows (a reused local port) ends that NAT flow, so the backend's replies to the
 * new flow are not taken for the old one's ({@link VipNat#supersede}).
 *
 * <p>Threads: any number of packet threads call in, each with its own {@link SwitchContext}; the
 * tables are an immutable snapshot swapped with {@link #update}. Nothing here allocates per packet.
 *
 * <p>Buffers: the caller owns every buffer passed in and keeps it after the call; frames passed to
 * {@link #fromPort} must have {@link VxlanFlyweight#HEADER_LENGTH} bytes of headroom before
 * {@code offset} so the VXLAN header is written in place.
 */
public final class VirtualSwitch {
    public static final int HEADROOM = VxlanFlyweight.HEADER_LENGTH;

    private final VtepSink vtep;
    private final VipNat nat;
    private volatile SwitchTables tables = SwitchTables.EMPTY;

    /** A switch with a connection table of its own, at the default size (allocated as flows arrive). */
    public VirtualSwitch(VtepSink vtep) {
        this(vtep, new Conntrack(ConntrackSettings.DEFAULT));
    }

    /** @param conntrack the VIP connection table; switches of one node may share it (its keys include the VNI) */
    public VirtualSwitch(VtepSink vtep, Conntrack conntrack) {
        this.vtep = vtep;
        this.nat = new VipNat(conntrack);
    }

    public Conntrack conntrack() {
        return nat.conntrack();
    }

    public void update(SwitchTables next) {
        this.tables = next;
    }

    public SwitchTables tables() {
        return tables;
    }

    /**
     * A frame read from a TAP opened with a virtio-net header: the header at {@code vnetOffset},
     * the frame after it, {@code length} bytes in all. Frames the kernel left whole take the plain
     * path; TSO frames and partial checksums go to a local TAP as they are, or are cut into a UDP
     * GSO run of VXLAN datagrams for a remote VTEP.
     */
    public void fromTap(SwitchContext ctx, int vni, Port port, ByteBuf buf, int vnetOffset, int length) {
        VirtioNetHeader vnet = ctx.vnet.wrap(buf.memoryAddress() + vnetOffset);
        int frame = vnetOffset + FrameSink.VNET_HEADER_LENGTH;
        int frameLength = length - FrameSink.VNET_HEADER_LENGTH;
        if (vnet.flags() == 0 && vnet.gsoType() == VirtioNetHeader.GSO_NONE) {
            fromPort(ctx, vni, port, buf, frame, frameLength);
            return;
        }
        NetworkView view = admit(ctx, vni, port, buf, frame, frameLength);
        if (view == null) {
            return;
        }
        NetworkCounters c = view.counters;
        EthernetFlyweight eth = ctx.ethernet;
        boolean gso = vnet.gsoType() != VirtioNetHeader.GSO_NONE;
        if (!gso && frameLength - eth.headerLength() > view.network.mtu()) {
            tooBig(ctx, view, port, buf, frame, frameLength);
            return;
        }
        long dst = eth.destination();
        long d = MacBits.isMulticast(dst) ? LongLongMap.MISSING : view.macs.get(dst);
        if (d != LongLongMap.MISSING) {
            int partial = vnet.needsChecksum() ? frame + vnet.csumStart() + vnet.csumOffset() : -1;
            if ((d & NetworkView.VIP) != 0) {
                d = toVip(ctx, view, port, buf, frame, frameLength, partial);
                if (d == LongLongMap.MISSING) {
                    return;
                }
            } else {
                direct(ctx, view, buf);
                if ((d & NetworkView.LOCAL) != 0) {
                    fromBackend(ctx, view, buf, frame, partial);
                }
            }
        }
        if (d != LongLongMap.MISSING && (d & NetworkView.LOCAL) != 0) {
            if (view.ports[(int) (d & 0xFFFF)].sink().sendVnet(buf, vnetOffset, length)) {
                c.toPortsPackets.increment();
                c.toPortsBytes.add(frameLength);
            } else {
                c.drop(DropReason.TX_FAILED);
            }
            return;
        }
        int remote;
        if (view.isTunnel()) {
            remote = view.floodVtep;
        } else if (d == LongLongMap.MISSING) {
            // Offloaded frames are unicast TCP/UDP: broadcast and ARP never carry a GSO header.
            c.drop(MacBits.isMulticast(dst) ? DropReason.BROADCAST : DropReason.UNKNOWN_DESTINATION);
            return;
        } else {
            remote = (int) d;
        }
        // A TSO frame's payload stays where the TAP read put it; only the headers are written, and
        // the VTEP gathers both into its UDP GSO send. Anything else is copied into one datagram.
        int outVni = view.network.vni();
        SegmentRejection r = gso ? ctx.segmenter.gather(vnet, buf, frame, frameLength, outVni, ctx.gatherHeaders, 0, ctx.gather)
                : SegmentRejection.NOT_GATHERED;
        boolean sent;
        int datagrams;
        if (r.isNone()) {
            datagrams = ctx.gather.count();
            sent = vtep.sendGather(ctx.gather, remote);
        } else {
            if (r == SegmentRejection.NOT_GATHERED || r == SegmentRejection.OUTPUT_TOO_SMALL) {
                r = ctx.segmenter.segment(vnet, buf, frame, frameLength, outVni, ctx.runBuffer, 0, ctx.run);
            }
            if (!r.isNone()) {
                c.drop(DropReason.SEGMENTATION_FAILED);
                return;
            }
            datagrams = ctx.run.count();
            sent = vtep.sendRun(ctx.run, remote);
        }
        if (sent) {
            c.toVtepPackets.add(datagrams);
            c.toVtepBytes.add(frameLength);
        } else {
            c.drop(DropReason.TX_FAILED);
        }
    }

    /** End of a VTEP receive batch: every port writes what it held back to coalesce. */
    public void flushReceived() {
        SwitchTables t = tables;
        for (NetworkView view : t.networks()) {
            for (Port p : view.ports) {
                p.sink().flush();
            }
        }
    }

    /** A frame read from {@code port} of network {@code vni}. */
    public void fromPort(SwitchContext ctx, int vni, Port port, ByteBuf buf, int offset, int length) {
        NetworkView view = admit(ctx, vni, port, buf, offset, length);
        if (view == null) {
            return;
        }
        NetworkCounters c = view.counters;
        EthernetFlyweight eth = ctx.ethernet;
        if (length - eth.headerLength() > view.network.mtu()) {
            tooBig(ctx, view, port, buf, offset, length);
            return;
        }
        long dst = eth.destination();
        if (view.isTunnel()) {
            long d = MacBits.isMulticast(dst) ? LongLongMap.MISSING : view.macs.get(dst);
            if (d != LongLongMap.MISSING && (d & NetworkView.LOCAL) != 0) {
                deliver(view, (int) (d & 0xFFFF), buf, offset, length);
            } else {
                encapsulate(view, view.floodVtep, buf, offset, length);
            }
            return;
        }
        if (MacBits.isMulticast(dst)) {
            if (eth.etherType() == EtherType.ARP_VALUE) {
                answerArp(ctx, view, port, buf, offset, length);
            } else {
                c.drop(DropReason.BROADCAST);
            }
            return;
        }
        long d = view.macs.get(dst);
        if (d == LongLongMap.MISSING) {
            c.drop(DropReason.UNKNOWN_DESTINATION);
            return;
        }
        if ((d & NetworkView.VIP) != 0) {
            d = toVip(ctx, view, port, buf, offset, length, -1);
            if (d == LongLongMap.MISSING) {
                return;
            }
        } else {
            direct(ctx, view, buf);
            if ((d & NetworkView.LOCAL) != 0) {
                fromBackend(ctx, view, buf, offset, -1);
            }
        }
        if ((d & NetworkView.LOCAL) != 0) {
            deliver(view, (int) (d & 0xFFFF), buf, offset, length);
        } else {
            encapsulate(view, (int) d, buf, offset, length);
        }
    }

    /**
     * A frame from a local port to a VIP's MAC (wrapped in {@code ctx.ethernet}): balanced to a
     * backend and rewritten for it, and that backend's forwarding entry returned; or answered (a
     * unicast ARP probe, an RST) or dropped, and {@link LongLongMap#MISSING} returned.
     *
     * @param partialField absolute index of a checksum field the TAP left partial, or -1
     */
    private long toVip(SwitchContext ctx, NetworkView view, Port port, ByteBuf buf, int frame, int length,
                       int partialField) {
        EthernetFlyweight eth = ctx.ethernet;
        NetworkCounters c = view.counters;
        if (eth.etherType() == EtherType.ARP_VALUE) {
            answerArp(ctx, view, port, buf, frame, length); // the neighbour cache re-checking the VIP's MAC
            return LongLongMap.MISSING;
        }
        if (eth.etherType() != EtherType.IPV4_VALUE) {
            c.drop(DropReason.VIP_UNSUPPORTED);
            return LongLongMap.MISSING;
        }
        VipContext v = ctx.vip;
        if (!nat.forward(v, view.vips, view.network.vni(), buf, frame, eth.payloadOffset(), eth.payloadLength(),
                partialField)) {
            c.drop(v.drop());
            if (v.replyLength() > 0) {
                port.sink().send(v.reply(), 0, v.replyLength());
            }
            return LongLongMap.MISSING;
        }
        long d = view.macs.get(v.backendMac());
        if (d == LongLongMap.MISSING || (d & NetworkView.VIP) != 0) {
            c.drop(DropReason.UNKNOWN_DESTINATION); // a backend the FDB does not know (yet)
            return LongLongMap.MISSING;
        }
        return d;
    }

    /**
     * A frame from a local port to an endpoint, not a VIP (wrapped in {@code ctx.ethernet}): if it
     * opens a flow on a NAT flow's 4-tuple (a client reusing a VIP connection's port to reach the
     * backend directly), the NAT flow is dropped so the backend's replies reach the client as they
     * are ({@link VipNat#supersede}). Networks without VIP backends pay one comparison.
     */
    private void direct(SwitchContext ctx, NetworkView view, ByteBuf buf) {
        EthernetFlyweight eth = ctx.ethernet;
        if (view.vips.hasBackends() && eth.etherType() == EtherType.IPV4_VALUE
                && nat.supersede(ctx.vip, view.vips, view.network.vni(), buf, eth.payloadOffset(), eth.payloadLength())) {
            view.counters.natSuperseded.increment();
        }
    }

    /**
     * A frame about to go to a local port (wrapped in {@code ctx.ethernet}): if it is a backend's
     * reply on a flow this node balanced, its source becomes the VIP again. Networks without VIP
     * backends pay one comparison.
     */
    private void fromBackend(SwitchContext ctx, NetworkView view, ByteBuf buf, int frame, int partialField) {
        EthernetFlyweight eth = ctx.ethernet;
        if (view.vips.hasBackends() && eth.etherType() == EtherType.IPV4_VALUE) {
            nat.reverse(ctx.vip, view.vips, view.network.vni(), buf, frame, eth.payloadOffset(), eth.payloadLength(),
                    partialField);
        }
    }

    /**
     * What every frame from a port goes through first: its network (null when it was just removed),
     * counting, a well-formed Ethernet header (left wrapped in {@code ctx.ethernet}) and, unless the
     * port is a trunk, the port's own source MAC. Returns null when the frame was dropped.
     */
    private NetworkView admit(SwitchContext ctx, int vni, Port port, ByteBuf buf, int offset, int length) {
        NetworkView view = tables.byVni(vni);
        if (view == null) {
            return null;
        }
        NetworkCounters c = view.counters;
        c.fromPortsPackets.increment();
        c.fromPortsBytes.add(length);
        EthernetFlyweight eth = ctx.ethernet.wrap(buf, offset, length);
        if (eth.check() != Malformed.NONE) {
            c.drop(DropReason.MALFORMED);
            return null;
        }
        if (!port.trunk() && eth.source() != port.mac()) {
            c.drop(DropReason.UNKNOWN_SOURCE);
            return null;
        }
        return view;
    }

    /**
     * A plain VXLAN datagram's UDP payload (VXLAN header + inner frame) from the underlay address
     * {@code source} (IPv4, the outer source). Only peers get in: an address that is no remote VTEP
     * of any network here is counted in {@link VtepCounters#unknownPeer} before the header is read
     * (its VNI is the sender's to choose, so no network is charged); a peer that names a network it
     * has no endpoint on is counted as {@link DropReason#UNKNOWN_PEER} in that network; and a
     * frame's source MAC must be an endpoint hosted on {@code source} itself
     * ({@link DropReason#UNKNOWN_SOURCE} otherwise). The peer sets are part of the tables snapshot:
     * the checks are two lookups in small open-addressing sets, no allocation.
     */
    public void fromVtep(SwitchContext ctx, int source, ByteBuf buf, int offset, int length, VtepCounters vtepCounters) {
        SwitchTables t = tables;
        if (!t.isPeer(source)) {
            vtepCounters.unknownPeer.increment();
            return;
        }
        decapsulate(ctx, t, source & 0xFFFF_FFFFL, buf, offset, length, vtepCounters);
    }

    /**
     * A VXLAN payload whose sender the transport has already authenticated per network (the ESP
     * socket: SAs are derived per peer and network key, and it refuses a VNI the SA does not
     * protect). No peer check here; plain VXLAN must use
     * {@link #fromVtep(SwitchContext, int, ByteBuf, int, int, VtepCounters)}.
     */
    public void fromVtep(SwitchContext ctx, ByteBuf buf, int offset, int length, VtepCounters vtepCounters) {
        decapsulate(ctx, tables, AUTHENTICATED, buf, offset, length, vtepCounters);
    }

    /** {@link #decapsulate}'s source when the transport vouched for the sender: no peer checks. */
    private static final long AUTHENTICATED = -1L;

    /** @param source the outer IPv4 source (unsigned), or {@link #AUTHENTICATED} */
    private void decapsulate(SwitchContext ctx, SwitchTables t, long source, ByteBuf buf, int offset, int length,
                             VtepCounters vtepCounters) {
        VxlanFlyweight vx = ctx.vxlan.wrap(buf, offset, length);
        if (vx.check() != Malformed.NONE) {
            vtepCounters.malformed.increment();
            return;
        }
        NetworkView view = t.byVni(vx.vni());
        if (view == null) {
            vtepCounters.unknownVni.increment();
            return;
        }
        NetworkCounters c = view.counters;
        if (source != AUTHENTICATED && view.peers.get(source) == LongLongMap.MISSING) {
            c.drop(DropReason.UNKNOWN_PEER); // a peer of another network: no endpoint of this one lives there
            return;
        }
        int inner = offset + VxlanFlyweight.HEADER_LENGTH;
        int innerLength = length - VxlanFlyweight.HEADER_LENGTH;
        c.fromVtepPackets.increment();
        c.fromVtepBytes.add(innerLength);
        EthernetFlyweight eth = ctx.ethernet.wrap(buf, inner, innerLength);
        if (eth.check() != Malformed.NONE) {
            c.drop(DropReason.MALFORMED);
            return;
        }
        long dst = eth.destination();
        if (view.isTunnel()) {
            // Point-to-point: the far end may be a kernel VXLAN that floods and learns; hand everything to the trunk.
            for (Port p : view.ports) {
                if (p.trunk()) {
                    receive(view, p.index(), buf, inner, innerLength);
                    return;
                }
            }
            c.drop(DropReason.UNKNOWN_DESTINATION);
            return;
        }
        if (MacBits.isMulticast(dst)) {
            c.drop(DropReason.BROADCAST);
            return;
        }
        long src = view.macs.get(eth.source());
        if (src == LongLongMap.MISSING || (src & NetworkView.LOCAL) != 0 || (source != AUTHENTICATED && src != source)) {
            // Only endpoints the control plane placed elsewhere may send, each from its own VTEP.
            c.drop(DropReason.UNKNOWN_SOURCE);
            return;
        }
        long d = view.macs.get(dst);
        if (d == LongLongMap.MISSING || (d & NetworkView.LOCAL) == 0) {
            c.drop(DropReason.UNKNOWN_DESTINATION); // never hairpin to another VTEP
            return;
        }
        fromBackend(ctx, view, buf, inner, -1);
        receive(view, (int) (d & 0xFFFF), buf, inner, innerLength);
    }

    private void receive(NetworkView view, int portIndex, ByteBuf buf, int offset, int length) {
        NetworkCounters c = view.counters;
        if (view.ports[portIndex].sink().receive(buf, offset, length)) {
            c.toPortsPackets.increment();
            c.toPortsBytes.add(length);
        } else {
            c.drop(DropReason.TX_FAILED);
        }
    }

    private void deliver(NetworkView view, int portIndex, ByteBuf buf, int offset, int length) {
        NetworkCounters c = view.counters;
        if (view.ports[portIndex].sink().send(buf, offset, length)) {
            c.toPortsPackets.increment();
            c.toPortsBytes.add(length);
        } else {
            c.drop(DropReason.TX_FAILED);
        }
    }

    private void encapsulate(NetworkView view, int remote, ByteBuf buf, int offset, int length) {
        int start = offset - VxlanFlyweight.HEADER_LENGTH;
        VxlanEncoder.write(buf, start, view.network.vni());
        NetworkCounters c = view.counters;
        if (vtep.send(buf, start, length + VxlanFlyweight.HEADER_LENGTH, remote)) {
            c.toVtepPackets.increment();
            c.toVtepBytes.add(length);
        } else {
            c.drop(DropReason.TX_FAILED);
        }
    }

    /** ARP proxy: a request for a known address is answered in place, on the port it came from. */
    private void answerArp(SwitchContext ctx, NetworkView view, Port port, ByteBuf buf, int offset, int length) {
        EthernetFlyweight eth = ctx.ethernet;
        ArpFlyweight arp = ctx.arp.wrap(buf, eth.payloadOffset(), eth.payloadLength());
        NetworkCounters c = view.counters;
        if (arp.check() != Malformed.NONE) {
            c.drop(DropReason.MALFORMED);
            return;
        }
        int target = arp.targetProtocolAddress();
        if (arp.operation() != ArpOperation.REQUEST_CODE || target == arp.senderProtocolAddress()) {
            c.drop(DropReason.BROADCAST); // replies and gratuitous announcements are not flooded
            return;
        }
        long mac = view.arp.get(target & 0xFFFF_FFFFL);
        if (mac == LongLongMap.MISSING) {
            c.drop(DropReason.ARP_UNKNOWN_TARGET);
            return;
        }
        long askerMac = arp.senderHardwareAddress();
        int askerIp = arp.senderProtocolAddress();
        arp.operation(ArpOperation.REPLY_CODE)
                .senderHardwareAddress(mac).senderProtocolAddress(target)
                .targetHardwareAddress(askerMac).targetProtocolAddress(askerIp);
        eth.destination(askerMac).source(mac);
        if (port.sink().send(buf, offset, eth.headerLength() + ArpFlyweight.LENGTH)) {
            c.arpReplies.increment();
        } else {
            c.drop(DropReason.TX_FAILED);
        }
    }

    /**
     * Over the MTU: drop, and for IPv4 with DF set tell the sender the MTU (RFC 1191) so its TCP
     * lowers the segment size. The ICMP appears to come from the destination it tried to reach.
     */
    private void tooBig(SwitchContext ctx, NetworkView view, Port port, ByteBuf buf, int offset, int length) {
        NetworkCounters c = view.counters;
        c.drop(DropReason.OVERSIZE);
        EthernetFlyweight eth = ctx.ethernet;
        if (eth.etherType() == EtherType.IPV6_VALUE) {
            packetTooBig(ctx, view, port, buf);
            return;
        }
        if (eth.etherType() != EtherType.IPV4_VALUE) {
            return;
        }
        Ipv4Flyweight ip = ctx.ipv4.wrap(buf, eth.payloadOffset(), eth.payloadLength());
        if (ip.check() != Malformed.NONE || !ip.dontFragment()) {
            return;
        }
        ByteBuf out = ctx.scratch;
        int ethOff = 0;
        int ipOff = ethOff + EthernetFlyweight.HEADER_LENGTH;
        int icmpOff = ipOff + Ipv4Flyweight.MIN_HEADER_LENGTH;
        int icmpLength = IcmpEncoder.writeFragmentationNeeded(out, icmpOff, view.network.mtu(),
                buf, eth.payloadOffset(), eth.payloadLength());
        Ipv4Encoder.write(out, ipOff, ip.destination(), ip.source(), IpProtocol.ICMP_NUMBER, icmpLength,
                Ipv4Encoder.DEFAULT_TTL, 0);
        EthernetEncoder.write(out, ethOff, eth.source(), eth.destination(), EtherType.IPV4_VALUE);
        port.sink().send(out, ethOff, icmpOff + icmpLength);
    }

    /** RFC 4443 §3.2: IPv6 never fragments in flight, so the sender always learns the MTU. */
    private void packetTooBig(SwitchContext ctx, NetworkView view, Port port, ByteBuf buf) {
        EthernetFlyweight eth = ctx.ethernet;
        Ipv6Flyweight ip = ctx.ipv6.wrap(buf, eth.payloadOffset(), eth.payloadLength());
        if (ip.check() != Malformed.NONE) {
            return;
        }
        ByteBuf out = ctx.scratch;
        int ipOff = EthernetFlyweight.HEADER_LENGTH;
        int icmpOff = ipOff + Ipv6Flyweight.HEADER_LENGTH;
        int quote = Math.min(eth.payloadLength(), SwitchContext.SCRATCH_SIZE - icmpOff - Icmpv6Flyweight.HEADER_LENGTH);
        int icmpLength = Icmpv6Flyweight.HEADER_LENGTH + Math.min(quote, Icmpv6Encoder.MAX_QUOTE_LENGTH);
        int pseudo = InternetChecksum.pseudoHeaderSumIpv6(ip.destinationHigh(), ip.destinationLow(), ip.sourceHigh(),
                ip.sourceLow(), IpProtocol.ICMPV6_NUMBER, icmpLength);
        Icmpv6Encoder.writePacketTooBig(out, icmpOff, view.network.mtu(), buf, eth.payloadOffset(), quote, pseudo);
        Ipv6Encoder.write(out, ipOff, ip.destinationHigh(), ip.destinationLow(), ip.sourceHigh(), ip.sourceLow(),
                IpProtocol.ICMPV6_NUMBER, icmpLength, 64);
        EthernetEncoder.write(out, 0, eth.source(), eth.destination(), EtherType.IPV6_VALUE);
        port.sink().send(out, 0, icmpOff + icmpLength);
    }
}
