package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.vxlan.VxlanEncoder;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

/**
 * The send side's "GSO split": turns one frame read from a TAP with TSO on — up to 64 KB of TCP
 * payload behind one set of headers — into VXLAN datagrams of one MSS each, laid out back to back
 * at one stride for UDP GSO sends (one, or two for a full 64 KB frame; see {@link DatagramRun}). Each segment gets what the kernel's own TSO gives it
 * ({@code tcp_gso_segment}, {@code inet_gso_segment}): the IPv4 total length, an identification
 * one higher than the previous segment's and a fresh header checksum, or the IPv6 payload length;
 * the sequence number advanced by the bytes before it; CWR on the first segment only, FIN and PSH
 * on the last only; and a fully computed TCP checksum, because the receiving VTEP may be a kernel
 * that verifies it. Frames without GSO become one datagram, their checksum completed if the TAP
 * left it partial.
 *
 * <p>Rules taken from wireguard-go {@code tun/offload_linux.go gsoSplit} and
 * {@code tun_linux.go handleVirtioRead}: the header length is taken from the TCP data offset, not
 * from hdr_len, which the kernel sets to the whole linear part on forwarded packets. Unlike
 * wireguard-go, csum_start is not trusted as the IP header length either: it must point at the
 * TCP header the IP header leads to.
 *
 * <p>A pure function of its inputs with reusable flyweights: no I/O, no allocation, never throws on
 * bad packet bytes or headers (only on caller bugs such as a VNI out of range). One instance per
 * thread. {@link #gather} produces the same datagrams as {@link #segment} but leaves the payload in
 * the frame for a scatter-gather send.
 */
public final class TcpSegmenter {
    private static final int VXLAN = VxlanFlyweight.HEADER_LENGTH;
    private static final int CLEAR_ON_ALL_BUT_LAST = TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_PSH;
    private static final int TCP_FLAGS_BYTE = TcpFlyweight.FLAGS_OFFSET;

    private final int maxDatagramLength;
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    // What parse() found in the current GSO frame: indexes into the frame and the cut.
    private boolean v4;
    private int l3;
    private int l4;
    private int headers;
    private int ipHeader;
    private int tcpHeader;
    private int payloadStart;
    private int gsoSize;
    private int count;
    private int lastPayload;
    private int firstId;
    private long firstSeq;

    /**
     * @param maxDatagramLength the longest VXLAN datagram (UDP payload) the underlay carries
     *     unfragmented: its MTU − 28 over IPv4, − 48 over IPv6; at most {@link DatagramRun#MAX_SEND_BYTES}.
     *     The kernel refuses a UDP_SEGMENT larger than that ({@code udp_send_skb}: EINVAL)
     */
    public TcpSegmenter(int maxDatagramLength) {
        if (maxDatagramLength < VXLAN + EthernetFlyweight.HEADER_LENGTH || maxDatagramLength > DatagramRun.MAX_SEND_BYTES) {
            throw new IllegalArgumentException("maxDatagramLength " + maxDatagramLength + " must be "
                    + (VXLAN + EthernetFlyweight.HEADER_LENGTH) + " to " + DatagramRun.MAX_SEND_BYTES + " bytes");
        }
        this.maxDatagramLength = maxDatagramLength;
    }

    public int maxDatagramLength() {
        return maxDatagramLength;
    }

    /**
     * Writes the frame as VXLAN datagrams (8-byte header with {@code vni}, then Ethernet, IP, TCP
     * and one payload chunk) into {@code out} from {@code outOffset}, and describes them in
     * {@code run}. The input frame is only read. {@code out} needs room for count × (8 + headers)
     * + payload bytes: 2 × 64 KB holds the run of any TSO frame with an MSS of 146 bytes or more
     * (Linux allows down to 48, {@code tcp_min_snd_mss}); what does not fit is
     * {@link SegmentRejection#OUTPUT_TOO_SMALL}.
     *
     * @param vnet the virtio-net header the TAP put before the frame
     * @param frame holds the Ethernet frame at {@code offset}, {@code length} bytes
     * @return {@link SegmentRejection#NONE}, or why nothing usable was written
     */
    public SegmentRejection segment(VirtioNetHeader vnet, ByteBuf frame, int offset, int length, int vni,
                                    ByteBuf out, int outOffset, DatagramRun run) {
        int gso = vnet.gsoProtocol();
        if (gso == VirtioNetHeader.GSO_NONE) {
            return copyOne(vnet, frame, offset, length, vni, out, outOffset, run);
        }
        SegmentRejection r = parse(vnet, frame, offset, length);
        if (!r.isNone()) {
            return r;
        }
        final int stride = VXLAN + headers + gsoSize;
        long needed = (long) (count - 1) * stride + VXLAN + headers + lastPayload;
        if (outOffset < 0 || needed > out.capacity() - outOffset) {
            return SegmentRejection.OUTPUT_TOO_SMALL;
        }
        int source = payloadStart;
        for (int i = 0; i < count; i++) {
            int d = outOffset + i * stride;
            int chunk = i == count - 1 ? lastPayload : gsoSize;
            int pseudo = writeHeaders(frame, offset, vni, out, d, i, chunk);
            out.setBytes(d + VXLAN + headers, frame, source, chunk);
            source += chunk;
            TcpEncoder.writeChecksum(out, d + VXLAN + (l4 - offset), tcpHeader + chunk, pseudo);
        }
        run.set(out, outOffset, count, stride, VXLAN + headers + lastPayload);
        return SegmentRejection.NONE;
    }

    /**
     * The same datagrams as {@link #segment}, byte for byte, without copying the payload: only each
     * datagram's headers are written, back to back into {@code headerOut} from
     * {@code headerOffset}, with a TCP checksum that covers the payload where it is in
     * {@code frame} (one read pass, no write); {@code run} then points at the headers and at the
     * payload slices of the frame, for a gathering send (see {@link GatherRun}). GSO frames of two
     * segments or more only: any other frame is {@link SegmentRejection#NOT_GATHERED}, for
     * {@link #segment}. {@code headerOut} needs count × (8 + headers) bytes, and the run's scratch
     * buffer room for the whole run; what does not fit is {@link SegmentRejection#OUTPUT_TOO_SMALL}.
     *
     * @param frame holds the Ethernet frame at {@code offset}, {@code length} bytes; must stay
     *     unchanged until the run is sent
     * @return {@link SegmentRejection#NONE}, or why nothing usable was written
     */
    public SegmentRejection gather(VirtioNetHeader vnet, ByteBuf frame, int offset, int length, int vni,
                                   ByteBuf headerOut, int headerOffset, GatherRun run) {
        if (vnet.gsoProtocol() == VirtioNetHeader.GSO_NONE) {
            return SegmentRejection.NOT_GATHERED;
        }
        SegmentRejection r = parse(vnet, frame, offset, length);
        if (!r.isNone()) {
            return r;
        }
        if (count < 2) {
            return SegmentRejection.NOT_GATHERED;
        }
        final int headerLength = VXLAN + headers;
        long needed = (long) count * headerLength;
        long all = (long) (count - 1) * (headerLength + gsoSize) + headerLength + lastPayload;
        if (headerOffset < 0 || needed > headerOut.capacity() - headerOffset || all > run.scratchCapacity()) {
            return SegmentRejection.OUTPUT_TOO_SMALL;
        }
        final int tcpAt = VXLAN + (l4 - offset);
        int source = payloadStart;
        for (int i = 0; i < count; i++) {
            int h = headerOffset + i * headerLength;
            int chunk = i == count - 1 ? lastPayload : gsoSize;
            int pseudo = writeHeaders(frame, offset, vni, headerOut, h, i, chunk);
            // RFC 1071 §2(C): the TCP header has an even length, so the payload's sum adds on unswapped.
            int t = h + tcpAt;
            headerOut.setShort(t + TcpFlyweight.CHECKSUM_OFFSET, 0);
            int sum = InternetChecksum.add(InternetChecksum.add(pseudo, InternetChecksum.sum(headerOut, t, tcpHeader)),
                    InternetChecksum.sum(frame, source, chunk));
            headerOut.setShort(t + TcpFlyweight.CHECKSUM_OFFSET, InternetChecksum.complement(sum));
            source += chunk;
        }
        run.set(headerOut, headerOffset, headerLength, frame, payloadStart, gsoSize, count, lastPayload);
        return SegmentRejection.NONE;
    }

    /**
     * Checks a GSO frame and keeps what the cutting needs in the fields below: what the kernel's
     * own TSO would refuse or could not cut is a rejection.
     */
    private SegmentRejection parse(VirtioNetHeader vnet, ByteBuf frame, int offset, int length) {
        int gso = vnet.gsoProtocol();
        if (gso != VirtioNetHeader.GSO_TCPV4 && gso != VirtioNetHeader.GSO_TCPV6) {
            return SegmentRejection.UNSUPPORTED_GSO_TYPE;
        }
        if (!eth.wrap(frame, offset, length).check().isNone()) {
            return SegmentRejection.MALFORMED;
        }
        l3 = eth.payloadOffset();
        final int ipEnd;
        v4 = gso == VirtioNetHeader.GSO_TCPV4;
        if (v4) {
            if (eth.etherType() != EtherType.IPV4_VALUE) {
                return SegmentRejection.NOT_TCP;
            }
            if (!ipv4.wrap(frame, l3, eth.payloadLength()).check().isNone()) {
                return SegmentRejection.MALFORMED;
            }
            if (ipv4.protocol() != IpProtocol.TCP_NUMBER || ipv4.isFragment()) {
                return SegmentRejection.NOT_TCP;
            }
            l4 = ipv4.payloadOffset();
            ipEnd = l3 + ipv4.totalLength();
        } else {
            if (eth.etherType() != EtherType.IPV6_VALUE) {
                return SegmentRejection.NOT_TCP;
            }
            if (!ipv6.wrap(frame, l3, eth.payloadLength()).check().isNone()) {
                return SegmentRejection.MALFORMED;
            }
            if (ipv6.nextHeader() != IpProtocol.TCP_NUMBER) {
                return SegmentRejection.NOT_TCP;
            }
            l4 = ipv6.payloadOffset();
            ipEnd = l4 + ipv6.payloadLength();
        }
        // virtio_net.h: csum_start is where checksumming starts, csum_offset where the result goes
        // from there; for TSO the kernel points them at the TCP header and its checksum field.
        if (vnet.csumStart() != l4 - offset || vnet.csumOffset() != TcpFlyweight.CHECKSUM_OFFSET) {
            return SegmentRejection.BAD_CHECKSUM_OFFSETS;
        }
        if (!tcp.wrap(frame, l4, ipEnd - l4).check().isNone()) {
            return SegmentRejection.MALFORMED;
        }
        gsoSize = vnet.gsoSize();
        if (gsoSize == 0) {
            return SegmentRejection.BAD_GSO_SIZE;
        }
        payloadStart = tcp.payloadOffset();
        headers = payloadStart - offset;
        final int payload = ipEnd - payloadStart;
        count = payload == 0 ? 1 : (payload + gsoSize - 1) / gsoSize;
        lastPayload = payload - (count - 1) * gsoSize;
        // The first datagram is the longest: a whole stride, or the only one.
        if (VXLAN + headers + Math.min(gsoSize, payload) > maxDatagramLength) {
            return SegmentRejection.OVERSIZE;
        }
        ipHeader = l4 - l3;
        tcpHeader = headers - (l4 - offset);
        firstId = v4 ? ipv4.identification() : 0;
        firstSeq = tcp.sequenceNumber();
        return SegmentRejection.NONE;
    }

    /**
     * Writes datagram {@code i}'s VXLAN header and the frame's headers at {@code d} in {@code out},
     * fixed up for a segment of {@code chunk} payload bytes, the TCP checksum not yet computed;
     * returns the segment's pseudo-header sum.
     */
    private int writeHeaders(ByteBuf frame, int offset, int vni, ByteBuf out, int d, int i, int chunk) {
        VxlanEncoder.write(out, d, vni);
        int f = d + VXLAN;
        out.setBytes(f, frame, offset, headers);
        int ip = f + (l3 - offset);
        int t = ip + ipHeader;
        int tcpLength = tcpHeader + chunk;
        int pseudo;
        if (v4) {
            // inet_gso_segment: every segment but the first gets the next IP ID (unless FIXEDID,
            // which the TAP never reports), its own total length and header checksum.
            Ipv4Flyweight h = ipv4.wrap(out, ip, ipHeader); // only the header: gather() writes no payload here
            h.totalLength(ipHeader + tcpLength).identification(firstId + i).updateHeaderChecksum();
            pseudo = InternetChecksum.pseudoHeaderSumIpv4(out, ip, IpProtocol.TCP_NUMBER, tcpLength);
        } else {
            out.setShort(ip + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, tcpLength);
            pseudo = InternetChecksum.pseudoHeaderSumIpv6(out, ip, IpProtocol.TCP_NUMBER, tcpLength);
        }
        out.setInt(t + TcpFlyweight.SEQUENCE_NUMBER_OFFSET, (int) (firstSeq + (long) i * gsoSize));
        // tcp_gso_segment: CWR stays on the first segment only, FIN and PSH on the last only.
        int flags = out.getUnsignedByte(t + TCP_FLAGS_BYTE);
        if (i > 0) {
            flags &= ~TcpFlyweight.FLAG_CWR;
        }
        if (i < count - 1) {
            flags &= ~CLEAR_ON_ALL_BUT_LAST;
        }
        out.setByte(t + TCP_FLAGS_BYTE, flags);
        return pseudo;
    }

    /** GSO_NONE: one datagram, its checksum completed if the TAP marked it NEEDS_CSUM. */
    private SegmentRejection copyOne(VirtioNetHeader vnet, ByteBuf frame, int offset, int length, int vni,
                                     ByteBuf out, int outOffset, DatagramRun run) {
        boolean needsChecksum = vnet.needsChecksum();
        if (needsChecksum && vnet.csumStart() + vnet.csumOffset() + 2 > length) {
            return SegmentRejection.BAD_CHECKSUM_OFFSETS;
        }
        if (length < EthernetFlyweight.HEADER_LENGTH) {
            return SegmentRejection.MALFORMED;
        }
        if (VXLAN + length > maxDatagramLength) {
            return SegmentRejection.OVERSIZE;
        }
        if (outOffset < 0 || VXLAN + length > out.capacity() - outOffset) {
            return SegmentRejection.OUTPUT_TOO_SMALL;
        }
        VxlanEncoder.write(out, outOffset, vni);
        out.setBytes(outOffset + VXLAN, frame, offset, length);
        if (needsChecksum) {
            PartialChecksum.complete(out, outOffset + VXLAN, length, vnet.csumStart(), vnet.csumOffset());
        }
        run.set(out, outOffset, 1, VXLAN + length, VXLAN + length);
        return SegmentRejection.NONE;
    }
}
