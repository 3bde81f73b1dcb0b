package io.trellis.dataplane.switching;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.BackendCounters;
import io.trellis.dataplane.lb.Conntrack;
import io.trellis.dataplane.lb.ConntrackSettings;
import io.trellis.dataplane.lb.VipCounters;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.testing.MemoryDatagramLink;
import io.trellis.dataplane.testing.MemoryFrameDevice;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ipv4.Ipv4Address;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VIP load balancing in the switch, with crafted frames: node A hosts the client C and backend B1,
 * node B hosts backend B2; the VIP balances over B1 and B2, a second VIP has no backend. DNAT and
 * its reverse with checksums that verify, round robin and stickiness, RSTs instead of blackholes,
 * timeouts on a fake clock, the TSO and partial-checksum path, and a direct flow on a NAT flow's
 * tuple (a reused client port) ending that NAT flow.
 */
class VipSwitchTest {
    static final int VTEP_A = Ipv4Address.parse("192.168.0.1");
    static final int VTEP_B = Ipv4Address.parse("192.168.0.2");
    static final OverlayNetwork N1 = new OverlayNetwork("n1", "front", 100, Ipv4Address.parse("10.0.0.0"), 24, 1450, false);
    static final int IP_C = Ipv4Address.parse("10.0.0.2");
    static final int IP_B1 = Ipv4Address.parse("10.0.0.3");
    static final int IP_B2 = Ipv4Address.parse("10.0.0.4");
    static final int VIP = Ipv4Address.parse("10.0.0.100");
    static final int EMPTY_VIP = Ipv4Address.parse("10.0.0.101");
    static final long MAC_C = EndpointAddress.macOf(IP_C);
    static final long MAC_B1 = EndpointAddress.macOf(IP_B1);
    static final long MAC_B2 = EndpointAddress.macOf(IP_B2);
    static final long MAC_VIP = EndpointAddress.macOf(VIP);
    static final long MAC_EMPTY_VIP = EndpointAddress.macOf(EMPTY_VIP);
    static final int ACK = TcpFlyweight.FLAG_ACK;
    static final int SYN = TcpFlyweight.FLAG_SYN;
    static final int RST = TcpFlyweight.FLAG_RST;
    static final int FIN = TcpFlyweight.FLAG_FIN;
    static final VipBackend B1 = new VipBackend("t1", "node-a", IP_B1);
    static final VipBackend B2 = new VipBackend("t2", "node-b", IP_B2);

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Conntrack conntrack = new Conntrack(ConntrackSettings.DEFAULT.withCapacity(1024, 4), nanos::get);
    final MemoryDatagramLink link = new MemoryDatagramLink();
    final VirtualSwitch a = new VirtualSwitch(link.sender(VTEP_A), conntrack);
    final VirtualSwitch b = new VirtualSwitch(link.sender(VTEP_B));
    final NetworkCounters aCounters = new NetworkCounters();
    final VipCounters vipCounters = new VipCounters();
    final MemoryFrameDevice devC = new MemoryFrameDevice();
    final MemoryFrameDevice devB1 = new MemoryFrameDevice();
    final MemoryFrameDevice devB2 = new MemoryFrameDevice();
    final SwitchContext ctx = new SwitchContext();
    Port portC;
    Port portB1;
    Port portB2;

    @BeforeEach
    void wire() {
        services(List.of(B1, B2));
        SwitchTables.Builder tb = SwitchTables.builder().network(N1, new NetworkCounters());
        portB2 = tb.port("n1", MAC_B2, IP_B2, false, devB2);
        tb.remote(new EndpointInfo("c", "n1", IP_C, MAC_C, VTEP_A));
        tb.remote(new EndpointInfo("t1", "n1", IP_B1, MAC_B1, VTEP_A));
        b.update(tb.build());
        link.attach(VTEP_A, a, new VtepCounters());
        link.attach(VTEP_B, b, new VtepCounters());
    }

    /** Rebuilds node A's tables with {@code backends} behind the VIP, as a control-plane change would. */
    private void services(List<VipBackend> backends) {
        List<VipService> services = List.of(new VipService("s1", "web", "n1", VIP, backends),
                new VipService("s2", "idle", "n1", EMPTY_VIP, List.of()));
        vipCounters.retain(services);
        SwitchTables.Builder ta = SwitchTables.builder().network(N1, aCounters);
        portC = ta.port("n1", MAC_C, IP_C, false, devC);
        portB1 = ta.port("n1", MAC_B1, IP_B1, false, devB1);
        ta.remote(new EndpointInfo("t2", "n1", IP_B2, MAC_B2, VTEP_B));
        ta.services("n1", VipTable.of(services, vipCounters));
        a.update(ta.build());
    }

    @AfterEach
    void release() {
        ctx.close();
    }

    private void fromClient(ByteBuf frame) {
        send(a, portC, frame);
    }

    private void send(VirtualSwitch sw, Port port, ByteBuf frame) {
        sw.fromPort(ctx, 100, port, frame, Frames.OFFSET, Frames.length(frame));
    }

    static ByteBuf syn(int clientPort, int vip) {
        return VipFrames.tcp(EndpointAddress.macOf(vip), MAC_C, IP_C, vip, clientPort, 80, 1000, 0, SYN, 0);
    }

    private static ByteBuf clientSegment(int clientPort, long seq, long ack, int flags, int payload) {
        return VipFrames.tcp(MAC_VIP, MAC_C, IP_C, VIP, clientPort, 80, seq, ack, flags, payload);
    }

    @Test
    void proxiesArpForTheVip() {
        fromClient(Frames.arpRequest(MAC_C, IP_C, VIP));
        ByteBuf r = Unpooled.wrappedBuffer(devC.last());
        ArpFlyweight arp = new ArpFlyweight().wrap(r, 14, r.capacity() - 14);
        assertThat(arp.operation()).isEqualTo(2);
        assertThat(arp.senderHardwareAddress()).isEqualTo(MAC_VIP);
        assertThat(arp.senderProtocolAddress()).isEqualTo(VIP);
        fromClient(Frames.arpRequest(MAC_C, IP_C, EMPTY_VIP));
        assertThat(VipFrames.srcMac(devC.last())).isEqualTo(MAC_EMPTY_VIP);
    }

    @Test
    void translatesTcpBothWaysWithValidChecksums() {
        fromClient(syn(40_000, VIP));
        byte[] atB1 = devB1.last();
        assertThat(atB1).isNotNull();
        assertThat(VipFrames.dstMac(atB1)).isEqualTo(MAC_B1);
        assertThat(VipFrames.dstIp(atB1)).isEqualTo(IP_B1);
        assertThat(VipFrames.srcIp(atB1)).isEqualTo(IP_C);
        assertThat(VipFrames.dstPort(atB1)).isEqualTo(80);
        assertThat(VipFrames.ipChecksumValid(atB1)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atB1)).isTrue();
        assertThat(conntrack.size()).isEqualTo(1);

        send(a, portB1, VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 40_000, 5000, 1001, SYN | ACK, 0));
        byte[] atC = devC.last();
        assertThat(VipFrames.srcMac(atC)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.srcIp(atC)).isEqualTo(VIP);
        assertThat(VipFrames.srcPort(atC)).isEqualTo(80);
        assertThat(VipFrames.ipChecksumValid(atC)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atC)).isTrue();

        // The second flow goes to B2 on node B over VXLAN; its reply comes back over VXLAN.
        fromClient(syn(40_001, VIP));
        byte[] atB2 = devB2.last();
        assertThat(atB2).isNotNull();
        assertThat(VipFrames.dstIp(atB2)).isEqualTo(IP_B2);
        assertThat(VipFrames.dstMac(atB2)).isEqualTo(MAC_B2);
        assertThat(VipFrames.ipChecksumValid(atB2)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atB2)).isTrue();
        send(b, portB2, VipFrames.tcp(MAC_C, MAC_B2, IP_B2, IP_C, 80, 40_001, 7000, 1001, SYN | ACK, 100));
        atC = devC.last();
        assertThat(VipFrames.srcIp(atC)).isEqualTo(VIP);
        assertThat(VipFrames.srcMac(atC)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.dstPort(atC)).isEqualTo(40_001);
        assertThat(VipFrames.ipChecksumValid(atC)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atC)).isTrue();
    }

    @Test
    void translatesUdpAndKeepsAnAbsentChecksumAbsent() {
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 5353, 53, 40, true));
        byte[] atB1 = devB1.last();
        assertThat(VipFrames.dstIp(atB1)).isEqualTo(IP_B1);
        assertThat(VipFrames.ipChecksumValid(atB1)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atB1)).isTrue();
        send(a, portB1, VipFrames.udp(MAC_C, MAC_B1, IP_B1, IP_C, 53, 5353, 80, true));
        byte[] atC = devC.last();
        assertThat(VipFrames.srcIp(atC)).isEqualTo(VIP);
        assertThat(VipFrames.l4ChecksumValid(atC)).isTrue();

        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 5354, 53, 40, false));
        byte[] atB2 = devB2.last();
        assertThat(VipFrames.dstIp(atB2)).isEqualTo(IP_B2);
        assertThat(VipFrames.l4Checksum(atB2)).isZero();
        assertThat(VipFrames.ipChecksumValid(atB2)).isTrue();
    }

    @Test
    void translatesIcmpEchoByIdentifier() {
        fromClient(VipFrames.echo(MAC_VIP, MAC_C, IP_C, VIP, 8, 77, 1));
        byte[] atB1 = devB1.last();
        assertThat(VipFrames.dstIp(atB1)).isEqualTo(IP_B1);
        assertThat(VipFrames.ipChecksumValid(atB1)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atB1)).isTrue();
        fromClient(VipFrames.echo(MAC_VIP, MAC_C, IP_C, VIP, 8, 77, 2));
        assertThat(devB1.frames()).hasSize(2); // the same echo identifier stays on its backend
        send(a, portB1, VipFrames.echo(MAC_C, MAC_B1, IP_B1, IP_C, 0, 77, 2));
        byte[] atC = devC.last();
        assertThat(VipFrames.srcIp(atC)).isEqualTo(VIP);
        assertThat(VipFrames.srcMac(atC)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.ipChecksumValid(atC)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(atC)).isTrue();
        // An echo reply of an identifier nobody asked through the VIP passes untranslated.
        send(a, portB1, VipFrames.echo(MAC_C, MAC_B1, IP_B1, IP_C, 0, 78, 1));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(IP_B1);
    }

    @Test
    void spreadsNewFlowsRoundRobinAndKeepsEachOnItsBackend() {
        for (int p = 0; p < 10; p++) {
            fromClient(syn(41_000 + p, VIP));
        }
        assertThat(devB1.frames()).hasSize(5);
        assertThat(devB2.frames()).hasSize(5);
        for (int round = 0; round < 3; round++) {
            for (int p = 0; p < 10; p++) {
                fromClient(clientSegment(41_000 + p, 1001, 1, ACK, 10));
            }
        }
        assertThat(devB1.frames()).hasSize(20);
        assertThat(devB2.frames()).hasSize(20);
        assertThat(Set.copyOf(ports(devB1))).hasSize(5).doesNotContainAnyElementsOf(ports(devB2));
        assertThat(Set.copyOf(ports(devB2))).hasSize(5);
        assertThat(conntrack.size()).isEqualTo(10);
        // Counters survive a table rebuild: a new snapshot of the same services.
        services(List.of(B1, B2));
        BackendCounters c1 = vipCounters.backend(VIP, "t1");
        assertThat(c1.packets.sum()).isEqualTo(20);
        assertThat(c1.bytes.sum()).isEqualTo(5 * 40 + 15 * 50);
    }

    private static List<Integer> ports(MemoryFrameDevice dev) {
        List<Integer> out = new ArrayList<>();
        dev.frames().forEach(f -> out.add(VipFrames.srcPort(f)));
        return out;
    }

    @Test
    void resetsTcpFlowsOfARemovedBackendAndMovesUdpFlows() {
        fromClient(syn(42_000, VIP)); // B1
        fromClient(syn(42_001, VIP)); // B2
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 6000, 53, 10, true)); // B1
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 6001, 53, 10, true)); // B2
        assertThat(conntrack.size()).isEqualTo(4);
        services(List.of(B1));
        devB2.clear();
        devC.clear();

        fromClient(clientSegment(42_001, 1001, 9000, ACK, 20));
        assertThat(devB2.frames()).isEmpty();
        byte[] rst = devC.last();
        assertThat(rst).isNotNull();
        assertThat(VipFrames.tcpFlags(rst)).isEqualTo(RST);
        assertThat(VipFrames.seq(rst)).isEqualTo(9000); // RFC 9293: SEQ = SEG.ACK
        assertThat(VipFrames.srcIp(rst)).isEqualTo(VIP);
        assertThat(VipFrames.srcMac(rst)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.dstMac(rst)).isEqualTo(MAC_C);
        assertThat(VipFrames.srcPort(rst)).isEqualTo(80);
        assertThat(VipFrames.dstPort(rst)).isEqualTo(42_001);
        assertThat(VipFrames.ipChecksumValid(rst)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(rst)).isTrue();
        assertThat(aCounters.drops(DropReason.VIP_BACKEND_GONE)).isEqualTo(1);
        assertThat(conntrack.size()).isEqualTo(3);

        // The flow to the backend that stays is untouched; the UDP flow of the removed one moves.
        fromClient(clientSegment(42_000, 1001, 1, ACK, 20));
        assertThat(VipFrames.dstPort(devB1.last())).isEqualTo(80);
        int before = devB1.frames().size();
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 6001, 53, 10, true));
        assertThat(devB1.frames()).hasSize(before + 1);
        assertThat(VipFrames.srcPort(devB1.last())).isEqualTo(6001);
        assertThat(devB2.frames()).isEmpty();
    }

    @Test
    void resetsSegmentsOfNoConnectionButNeverAnRst() {
        fromClient(clientSegment(43_000, 500, 700, ACK | TcpFlyweight.FLAG_PSH, 30));
        byte[] rst = devC.last();
        assertThat(VipFrames.tcpFlags(rst)).isEqualTo(RST);
        assertThat(VipFrames.seq(rst)).isEqualTo(700);
        assertThat(VipFrames.l4ChecksumValid(rst)).isTrue();
        assertThat(aCounters.drops(DropReason.VIP_NO_CONNECTION)).isEqualTo(1);
        devC.clear();
        fromClient(clientSegment(43_001, 500, 0, RST, 0));
        assertThat(devC.frames()).isEmpty();
        assertThat(aCounters.drops(DropReason.VIP_NO_CONNECTION)).isEqualTo(2);
        assertThat(devB1.frames()).isEmpty();
        assertThat(devB2.frames()).isEmpty();
        assertThat(conntrack.size()).isZero();
    }

    @Test
    void refusesFlowsToAVipWithoutBackends() {
        fromClient(syn(44_000, EMPTY_VIP));
        byte[] rst = devC.last();
        assertThat(VipFrames.tcpFlags(rst)).isEqualTo(RST | ACK);
        assertThat(VipFrames.seq(rst)).isZero();
        assertThat(VipFrames.ack(rst)).isEqualTo(1001); // the SYN's sequence number + 1
        assertThat(VipFrames.srcIp(rst)).isEqualTo(EMPTY_VIP);
        assertThat(VipFrames.l4ChecksumValid(rst)).isTrue();
        devC.clear();
        fromClient(VipFrames.udp(MAC_EMPTY_VIP, MAC_C, IP_C, EMPTY_VIP, 7000, 53, 10, true));
        fromClient(VipFrames.echo(MAC_EMPTY_VIP, MAC_C, IP_C, EMPTY_VIP, 8, 1, 1));
        assertThat(devC.frames()).isEmpty();
        assertThat(aCounters.drops(DropReason.VIP_NO_BACKEND)).isEqualTo(3);
        assertThat(conntrack.size()).isZero();
        assertThat(devB1.frames()).isEmpty();
    }

    @Test
    void expiresFlowsAfterTheirStatesTimeout() {
        fromClient(syn(45_000, VIP)); // half-open: 60 s
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        devC.clear();
        fromClient(clientSegment(45_000, 1001, 1, ACK, 0));
        assertThat(VipFrames.tcpFlags(devC.last())).isEqualTo(RST);

        fromClient(syn(45_001, VIP)); // B2
        send(b, portB2, VipFrames.tcp(MAC_C, MAC_B2, IP_B2, IP_C, 80, 45_001, 1, 1001, SYN | ACK, 0));
        nanos.addAndGet(Duration.ofMinutes(119).toNanos()); // established: 2 h
        int atB2 = devB2.frames().size();
        fromClient(clientSegment(45_001, 1001, 2, ACK, 0));
        assertThat(devB2.frames()).hasSize(atB2 + 1);
        fromClient(clientSegment(45_001, 1001, 2, FIN | ACK, 0)); // closing: 10 s
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        fromClient(clientSegment(45_001, 1002, 2, ACK, 0));
        assertThat(devB2.frames()).hasSize(atB2 + 3);
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        devC.clear();
        fromClient(clientSegment(45_001, 1002, 2, ACK, 0));
        assertThat(devB2.frames()).hasSize(atB2 + 3);
        assertThat(VipFrames.tcpFlags(devC.last())).isEqualTo(RST);
        assertThat(conntrack.sweep()).isEqualTo(2); // the half-open and the closed one
        assertThat(conntrack.size()).isZero();
    }

    @Test
    void aNewConnectionOnAClosedOnesPortsIsBalancedAfresh() {
        fromClient(syn(46_000, VIP)); // B1
        fromClient(clientSegment(46_000, 1001, 1, RST, 0));
        fromClient(syn(46_000, VIP)); // the next backend, not a retransmission to B1
        assertThat(devB1.frames()).hasSize(2);
        assertThat(devB2.frames()).hasSize(1);
        assertThat(conntrack.size()).isEqualTo(1);
    }

    @Test
    void aDirectConnectionOnAClosedVipConnectionsTupleGetsItsRepliesUntranslated() {
        fromClient(syn(48_000, VIP)); // B1
        send(a, portB1, VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 48_000, 5000, 1001, SYN | ACK, 0));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(VIP);
        fromClient(clientSegment(48_000, 1001, 5001, FIN | ACK, 0)); // closing: the entry stays for 10 s

        // The client's kernel reuses the port for a direct connection to the backend it was given.
        ByteBuf direct = VipFrames.tcp(MAC_B1, MAC_C, IP_C, IP_B1, 48_000, 80, 9000, 0, SYN, 0);
        byte[] sent = new byte[Frames.length(direct)];
        direct.getBytes(Frames.OFFSET, sent);
        fromClient(direct);
        assertThat(devB1.last()).isEqualTo(sent); // untouched
        assertThat(conntrack.size()).isZero();
        assertThat(aCounters.natSuperseded.sum()).isEqualTo(1);

        send(a, portB1, VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 48_000, 7000, 9001, SYN | ACK, 0));
        byte[] synAck = devC.last();
        assertThat(VipFrames.srcIp(synAck)).isEqualTo(IP_B1);
        assertThat(VipFrames.srcMac(synAck)).isEqualTo(MAC_B1);
        assertThat(VipFrames.srcPort(synAck)).isEqualTo(80);
        assertThat(VipFrames.l4ChecksumValid(synAck)).isTrue();

        // The same from a TAP, the SYN's checksum left partial: the NAT flow goes all the same.
        services(List.of(B1));
        fromClient(syn(48_001, VIP));
        ByteBuf tapSyn = fromTap(partial(VipFrames.tcp(MAC_B1, MAC_C, IP_C, IP_B1, 48_001, 80, 9000, 0, SYN, 0)),
                VirtioNetHeader.GSO_NONE, 0);
        tap(portC, tapSyn);
        assertThat(VipFrames.dstIp(devB1.last())).isEqualTo(IP_B1);
        assertThat(conntrack.size()).isZero();
        assertThat(aCounters.natSuperseded.sum()).isEqualTo(2);
        send(a, portB1, VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 48_001, 7000, 9001, SYN | ACK, 0));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(IP_B1);
    }

    @Test
    void aDirectUdpFlowOnAVipFlowsTupleGetsItsRepliesUntranslated() {
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 5400, 53, 10, true)); // B1
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 5401, 53, 10, true)); // B2, on node B
        assertThat(VipFrames.dstIp(devB2.last())).isEqualTo(IP_B2);

        // Straight to B2 from the same port: over VXLAN, and B2's answer comes back over VXLAN as it is.
        fromClient(VipFrames.udp(MAC_B2, MAC_C, IP_C, IP_B2, 5401, 53, 20, true));
        assertThat(devB2.frames()).hasSize(2);
        assertThat(VipFrames.dstIp(devB2.last())).isEqualTo(IP_B2);
        assertThat(VipFrames.ipLength(devB2.last())).isEqualTo(20 + 8 + 20);
        assertThat(aCounters.natSuperseded.sum()).isEqualTo(1);
        assertThat(conntrack.size()).isEqualTo(1); // B1's flow is another tuple
        send(b, portB2, VipFrames.udp(MAC_C, MAC_B2, IP_B2, IP_C, 53, 5401, 30, true));
        byte[] answer = devC.last();
        assertThat(VipFrames.srcIp(answer)).isEqualTo(IP_B2);
        assertThat(VipFrames.srcMac(answer)).isEqualTo(MAC_B2);
        assertThat(VipFrames.l4ChecksumValid(answer)).isTrue();

        // B1's flow is still translated.
        send(a, portB1, VipFrames.udp(MAC_C, MAC_B1, IP_B1, IP_C, 53, 5400, 30, true));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(VIP);
    }

    @Test
    void directFlowsOnOtherTuplesAndDirectSegmentsThatOpenNothingLeaveNatFlowsAlone() {
        fromClient(syn(48_100, VIP)); // B1
        fromClient(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 5500, 53, 10, true)); // B2
        fromClient(VipFrames.tcp(MAC_B1, MAC_C, IP_C, IP_B1, 48_101, 80, 1, 0, SYN, 0)); // another client port
        fromClient(VipFrames.tcp(MAC_B1, MAC_C, IP_C, IP_B1, 48_100, 8080, 1, 0, SYN, 0)); // another service port
        fromClient(VipFrames.tcp(MAC_B2, MAC_C, IP_C, IP_B2, 48_100, 80, 1, 0, SYN, 0)); // another backend
        fromClient(VipFrames.tcp(MAC_B1, MAC_C, IP_C, IP_B1, 48_100, 80, 1, 1, ACK, 10)); // opens nothing
        fromClient(VipFrames.tcp(MAC_B1, MAC_C, IP_C, IP_B1, 48_100, 80, 1, 1, SYN | ACK, 0)); // a server's answer
        fromClient(VipFrames.udp(MAC_B1, MAC_C, IP_C, IP_B1, 5500, 53, 10, true)); // B2's flow, not B1's
        fromClient(VipFrames.udp(MAC_B2, MAC_C, IP_C, IP_B2, 5500, 54, 10, true));
        assertThat(conntrack.size()).isEqualTo(2);
        assertThat(aCounters.natSuperseded.sum()).isZero();
        assertThat(devB1.frames()).hasSize(6);
        assertThat(devB2.frames()).hasSize(3);

        send(a, portB1, VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 48_100, 5000, 1001, SYN | ACK, 0));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(VIP);
        send(a, portB1, VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 48_101, 5000, 2, SYN | ACK, 0));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(IP_B1);
        send(b, portB2, VipFrames.udp(MAC_C, MAC_B2, IP_B2, IP_C, 53, 5500, 30, true));
        assertThat(VipFrames.srcIp(devC.last())).isEqualTo(VIP);
        assertThat(aCounters.drops(DropReason.UNKNOWN_DESTINATION)).isZero();
    }

    @Test
    void dropsNewFlowsWhenTheTableIsFull() {
        Conntrack small = new Conntrack(ConntrackSettings.DEFAULT.withCapacity(4, 1), nanos::get);
        VirtualSwitch sw = new VirtualSwitch(link.sender(VTEP_A), small);
        sw.update(a.tables());
        for (int p = 0; p < 5; p++) {
            ByteBuf f = VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 8000 + p, 53, 10, true);
            sw.fromPort(ctx, 100, portC, f, Frames.OFFSET, Frames.length(f));
        }
        assertThat(small.size()).isEqualTo(4);
        assertThat(aCounters.drops(DropReason.CONNTRACK_FULL)).isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(301).toNanos()); // UDP entries expire: room again
        ByteBuf f = VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 9000, 53, 10, true);
        sw.fromPort(ctx, 100, portC, f, Frames.OFFSET, Frames.length(f));
        assertThat(aCounters.drops(DropReason.CONNTRACK_FULL)).isEqualTo(1);
        assertThat(small.size()).isEqualTo(1);
    }

    /** A frame as a TAP with offloads reads it: the virtio-net header at 0, the frame at 12. */
    private static ByteBuf fromTap(byte[] frame, int gsoType, int gsoSize) {
        ByteBuf buf = VipFrames.copy(frame, VirtioNetHeader.LENGTH);
        int l4 = VipFrames.L4;
        new VirtioNetHeader().wrap(buf.memoryAddress()).clear().flags(VirtioNetHeader.F_NEEDS_CSUM).gsoType(gsoType)
                .gsoSize(gsoSize).hdrLen(gsoType == VirtioNetHeader.GSO_NONE ? 0 : l4 + 20).csumStart(l4)
                .csumOffset(VipFrames.protocol(frame) == IpProtocol.TCP_NUMBER ? 16 : 6);
        return buf;
    }

    /** {@code frame} with its TCP/UDP checksum field replaced by the pseudo-header seed, as a TAP leaves it. */
    private static byte[] partial(ByteBuf frame) {
        byte[] f = new byte[Frames.length(frame)];
        frame.getBytes(Frames.OFFSET, f);
        int field = VipFrames.L4 + (VipFrames.protocol(f) == IpProtocol.TCP_NUMBER ? 16 : 6);
        int seed = VipFrames.partialSeed(f);
        f[field] = (byte) (seed >>> 8);
        f[field + 1] = (byte) seed;
        return f;
    }

    private void tap(Port port, ByteBuf buf) {
        a.fromTap(ctx, 100, port, buf, 0, buf.capacity());
    }

    @Test
    void translatesTsoFramesAndPartialChecksums() {
        // TSO to the local backend: handed over whole, its partial checksum now the new pseudo-header's seed.
        fromClient(syn(47_000, VIP)); // B1
        byte[] tso = partial(clientSegment(47_000, 1001, 1, ACK, 4000));
        tap(portC, fromTap(tso, VirtioNetHeader.GSO_TCPV4, 1000));
        byte[] atB1 = devB1.last();
        assertThat(atB1).hasSize(tso.length);
        assertThat(VipFrames.dstIp(atB1)).isEqualTo(IP_B1);
        assertThat(VipFrames.dstMac(atB1)).isEqualTo(MAC_B1);
        assertThat(VipFrames.ipChecksumValid(atB1)).isTrue();
        assertThat(VipFrames.l4Checksum(atB1)).isEqualTo(VipFrames.partialSeed(atB1));

        // The backend's TSO reply to the client: the source becomes the VIP, the seed follows.
        ByteBuf reply = VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 47_000, 1, 5001, ACK, 3000);
        tap(portB1, fromTap(partial(reply), VirtioNetHeader.GSO_TCPV4, 1000));
        byte[] atC = devC.last();
        assertThat(VipFrames.srcIp(atC)).isEqualTo(VIP);
        assertThat(VipFrames.srcMac(atC)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.ipChecksumValid(atC)).isTrue();
        assertThat(VipFrames.l4Checksum(atC)).isEqualTo(VipFrames.partialSeed(atC));

        // TSO to the remote backend: cut into segments whose checksums verify at B2.
        fromClient(syn(47_001, VIP)); // B2
        devB2.clear();
        tap(portC, fromTap(partial(clientSegment(47_001, 1001, 1, ACK, 4000)), VirtioNetHeader.GSO_TCPV4, 1000));
        assertThat(devB2.frames()).hasSize(4);
        for (byte[] segment : devB2.frames()) {
            assertThat(VipFrames.dstIp(segment)).isEqualTo(IP_B2);
            assertThat(VipFrames.ipChecksumValid(segment)).isTrue();
            assertThat(VipFrames.l4ChecksumValid(segment)).isTrue();
        }

        // A UDP datagram with a partial checksum to the remote backend: completed on the way out.
        devB2.clear();
        byte[] udp = partial(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 9999, 53, 100, true));
        tap(portC, fromTap(udp, VirtioNetHeader.GSO_NONE, 0)); // the third flow: B1
        tap(portC, fromTap(partial(VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 9998, 53, 100, true)),
                VirtioNetHeader.GSO_NONE, 0)); // the fourth: B2
        assertThat(VipFrames.l4Checksum(devB1.last())).isEqualTo(VipFrames.partialSeed(devB1.last()));
        byte[] udpAtB2 = devB2.last();
        assertThat(VipFrames.dstIp(udpAtB2)).isEqualTo(IP_B2);
        assertThat(VipFrames.l4ChecksumValid(udpAtB2)).isTrue();
        assertThat(InternetChecksum.verify(Unpooled.wrappedBuffer(udpAtB2), VipFrames.IP, 20)).isTrue();
    }
}
