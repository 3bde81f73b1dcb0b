package io.trellis.dataplane.switching;

import static io.trellis.dataplane.switching.VipSwitchTest.ACK;
import static io.trellis.dataplane.switching.VipSwitchTest.B1;
import static io.trellis.dataplane.switching.VipSwitchTest.B2;
import static io.trellis.dataplane.switching.VipSwitchTest.FIN;
import static io.trellis.dataplane.switching.VipSwitchTest.IP_B1;
import static io.trellis.dataplane.switching.VipSwitchTest.IP_B2;
import static io.trellis.dataplane.switching.VipSwitchTest.IP_C;
import static io.trellis.dataplane.switching.VipSwitchTest.MAC_B1;
import static io.trellis.dataplane.switching.VipSwitchTest.MAC_B2;
import static io.trellis.dataplane.switching.VipSwitchTest.MAC_C;
import static io.trellis.dataplane.switching.VipSwitchTest.MAC_VIP;
import static io.trellis.dataplane.switching.VipSwitchTest.N1;
import static io.trellis.dataplane.switching.VipSwitchTest.RST;
import static io.trellis.dataplane.switching.VipSwitchTest.SYN;
import static io.trellis.dataplane.switching.VipSwitchTest.VIP;
import static io.trellis.dataplane.switching.VipSwitchTest.VTEP_A;
import static io.trellis.dataplane.switching.VipSwitchTest.VTEP_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.Conntrack;
import io.trellis.dataplane.lb.ConntrackSettings;
import io.trellis.dataplane.lb.FlowKey;
import io.trellis.dataplane.lb.VipCounters;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.testing.MemoryDatagramLink;
import io.trellis.dataplane.testing.MemoryFrameDevice;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hairpin flows with crafted frames: backend B1 (node A, next to client C) calls the VIP it is a
 * backend of, and round robin gives it itself. It must get VIP → itself both ways, with checksums
 * that verify, its replies matched as the flow's and not as new flows to the VIP; a service whose
 * only backend is the caller works every time; RSTs, timeouts and the partial-checksum path hold.
 */
class VipHairpinTest {
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

    private void services(List<VipBackend> backends) {
        List<VipService> services = List.of(new VipService("s1", "web", "n1", VIP, backends));
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

    private void fromB1(ByteBuf frame) {
        a.fromPort(ctx, 100, portB1, frame, Frames.OFFSET, Frames.length(frame));
    }

    /** A TCP segment B1 sends to the VIP: as the flow's client, or as its server answering it. */
    private static ByteBuf b1ToVip(int srcPort, int dstPort, long seq, long ack, int flags, int payload) {
        return VipFrames.tcp(MAC_VIP, MAC_B1, IP_B1, VIP, srcPort, dstPort, seq, ack, flags, payload);
    }

    /** What B1 received last, checked to be from the VIP to itself with checksums that verify; returned. */
    private byte[] fromVipToB1(int srcPort, int dstPort) {
        byte[] f = fromVipToB1WithoutL4Checksum(srcPort, dstPort);
        assertThat(VipFrames.l4ChecksumValid(f)).isTrue();
        return f;
    }

    private byte[] fromVipToB1WithoutL4Checksum(int srcPort, int dstPort) {
        byte[] f = devB1.last();
        assertThat(f).isNotNull();
        assertThat(VipFrames.srcMac(f)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.dstMac(f)).isEqualTo(MAC_B1);
        assertThat(VipFrames.srcIp(f)).isEqualTo(VIP);
        assertThat(VipFrames.dstIp(f)).isEqualTo(IP_B1);
        assertThat(VipFrames.srcPort(f)).isEqualTo(srcPort);
        assertThat(VipFrames.dstPort(f)).isEqualTo(dstPort);
        assertThat(VipFrames.ipChecksumValid(f)).isTrue();
        return f;
    }

    private long drops() {
        long n = 0;
        for (DropReason r : DropReason.values()) {
            n += aCounters.drops(r);
        }
        return n;
    }

    /** The live entries' states, and that each is a hairpin of B1's (its backend is its client). */
    private List<Integer> hairpinStates() {
        List<Integer> states = new ArrayList<>();
        conntrack.forEach((vni, protocol, vip, backend, state) -> {
            assertThat(vip).isEqualTo(VIP);
            assertThat(backend).isEqualTo(IP_B1);
            states.add(state);
        });
        return states;
    }

    @Test
    void tcpHandshakeDataAndCloseBothWays() {
        fromB1(b1ToVip(40_000, 80, 1000, 0, SYN, 0)); // round robin's first pick: B1 itself
        byte[] syn = fromVipToB1(40_000, 80);
        assertThat(VipFrames.tcpFlags(syn)).isEqualTo(SYN);
        assertThat(VipFrames.seq(syn)).isEqualTo(1000);
        assertThat(hairpinStates()).containsExactly(Conntrack.TCP_HALF_OPEN);

        // B1's server answers the VIP: the flow's reply, not a new flow to the VIP's port 40000.
        fromB1(b1ToVip(80, 40_000, 5000, 1001, SYN | ACK, 0));
        byte[] synAck = fromVipToB1(80, 40_000);
        assertThat(VipFrames.tcpFlags(synAck)).isEqualTo(SYN | ACK);
        assertThat(VipFrames.seq(synAck)).isEqualTo(5000);
        assertThat(VipFrames.ack(synAck)).isEqualTo(1001);
        assertThat(hairpinStates()).containsExactly(Conntrack.TCP_ESTABLISHED);

        fromB1(b1ToVip(40_000, 80, 1001, 5001, ACK, 100));
        assertThat(VipFrames.ipLength(fromVipToB1(40_000, 80))).isEqualTo(20 + 20 + 100);
        fromB1(b1ToVip(80, 40_000, 5001, 1101, ACK, 300));
        assertThat(VipFrames.ipLength(fromVipToB1(80, 40_000))).isEqualTo(20 + 20 + 300);
        fromB1(b1ToVip(80, 40_000, 5301, 1101, FIN | ACK, 0));
        assertThat(VipFrames.tcpFlags(fromVipToB1(80, 40_000))).isEqualTo(FIN | ACK);
        assertThat(hairpinStates()).containsExactly(Conntrack.TCP_CLOSING);
        fromB1(b1ToVip(40_000, 80, 1101, 5302, FIN | ACK, 0));
        fromVipToB1(40_000, 80);

        assertThat(devB1.frames()).hasSize(6);
        assertThat(devC.frames()).isEmpty();
        assertThat(devB2.frames()).isEmpty();
        assertThat(drops()).isZero();
        assertThat(vipCounters.backend(VIP, "t1").packets.sum()).isEqualTo(6);
    }

    @Test
    void udpBothWaysWithAndWithoutChecksum() {
        fromB1(VipFrames.udp(MAC_VIP, MAC_B1, IP_B1, VIP, 5353, 53, 40, true));
        fromVipToB1(5353, 53);
        fromB1(VipFrames.udp(MAC_VIP, MAC_B1, IP_B1, VIP, 53, 5353, 80, true));
        assertThat(VipFrames.ipLength(fromVipToB1(53, 5353))).isEqualTo(20 + 8 + 80);
        assertThat(hairpinStates()).containsExactly(Conntrack.UDP);

        services(List.of(B1)); // the next flow is B1's again
        fromB1(VipFrames.udp(MAC_VIP, MAC_B1, IP_B1, VIP, 5354, 53, 40, false));
        assertThat(VipFrames.l4Checksum(fromVipToB1WithoutL4Checksum(5354, 53))).isZero();
        fromB1(VipFrames.udp(MAC_VIP, MAC_B1, IP_B1, VIP, 53, 5354, 40, false));
        assertThat(VipFrames.l4Checksum(fromVipToB1WithoutL4Checksum(53, 5354))).isZero();
        assertThat(conntrack.size()).isEqualTo(2);
        assertThat(devB1.frames()).hasSize(4);
        assertThat(drops()).isZero();
    }

    @Test
    void icmpEchoToItself() {
        fromB1(VipFrames.echo(MAC_VIP, MAC_B1, IP_B1, VIP, 8, 77, 1));
        byte[] request = devB1.last();
        assertThat(VipFrames.srcIp(request)).isEqualTo(VIP);
        assertThat(VipFrames.dstIp(request)).isEqualTo(IP_B1);
        assertThat(VipFrames.srcMac(request)).isEqualTo(MAC_VIP);
        assertThat(request[VipFrames.L4]).isEqualTo((byte) 8);
        assertThat(VipFrames.ipChecksumValid(request)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(request)).isTrue();

        fromB1(VipFrames.echo(MAC_VIP, MAC_B1, IP_B1, VIP, 0, 77, 1));
        byte[] reply = devB1.last();
        assertThat(reply).isNotSameAs(request);
        assertThat(reply[VipFrames.L4]).isEqualTo((byte) 0);
        assertThat(VipFrames.srcIp(reply)).isEqualTo(VIP);
        assertThat(VipFrames.dstIp(reply)).isEqualTo(IP_B1);
        assertThat(VipFrames.srcMac(reply)).isEqualTo(MAC_VIP);
        assertThat(VipFrames.dstMac(reply)).isEqualTo(MAC_B1);
        assertThat(VipFrames.ipChecksumValid(reply)).isTrue();
        assertThat(VipFrames.l4ChecksumValid(reply)).isTrue();
        assertThat(hairpinStates()).containsExactly(Conntrack.ICMP);

        // An echo reply to the VIP of no hairpin echo is still refused.
        fromB1(VipFrames.echo(MAC_VIP, MAC_B1, IP_B1, VIP, 0, 78, 1));
        assertThat(devB1.frames()).hasSize(2);
        assertThat(aCounters.drops(DropReason.VIP_UNSUPPORTED)).isEqualTo(1);
    }

    @Test
    void aServiceWhoseOnlyBackendIsTheCallerWorksEveryTime() {
        services(List.of(B1));
        for (int p = 0; p < 10; p++) {
            fromB1(b1ToVip(41_000 + p, 80, 1000, 0, SYN, 0));
            fromVipToB1(41_000 + p, 80);
            fromB1(b1ToVip(80, 41_000 + p, 5000, 1001, SYN | ACK, 0));
            fromVipToB1(80, 41_000 + p);
            fromB1(b1ToVip(41_000 + p, 80, 1001, 5001, ACK, 10));
            fromVipToB1(41_000 + p, 80);
        }
        assertThat(devB1.frames()).hasSize(30);
        assertThat(hairpinStates()).hasSize(10).containsOnly(Conntrack.TCP_ESTABLISHED);
        assertThat(drops()).isZero();

        // Another client of the same backend meanwhile: plain DNAT, its replies translated back.
        ByteBuf syn = VipSwitchTest.syn(41_000, VIP);
        a.fromPort(ctx, 100, portC, syn, Frames.OFFSET, Frames.length(syn));
        byte[] atB1 = devB1.last();
        assertThat(VipFrames.srcIp(atB1)).isEqualTo(IP_C);
        assertThat(VipFrames.dstIp(atB1)).isEqualTo(IP_B1);
        assertThat(VipFrames.l4ChecksumValid(atB1)).isTrue();
        fromB1(VipFrames.tcp(MAC_C, MAC_B1, IP_B1, IP_C, 80, 41_000, 7000, 1001, SYN | ACK, 0));
        byte[] atC = devC.last();
        assertThat(VipFrames.srcIp(atC)).isEqualTo(VIP);
        assertThat(VipFrames.dstIp(atC)).isEqualTo(IP_C);
        assertThat(VipFrames.l4ChecksumValid(atC)).isTrue();
        assertThat(conntrack.size()).isEqualTo(11);
    }

    @Test
    void aBackendsFlowsToOtherBackendsAreOnlyDnated() {
        fromB1(b1ToVip(42_000, 80, 1000, 0, SYN, 0)); // itself
        fromVipToB1(42_000, 80);
        fromB1(b1ToVip(42_001, 80, 1000, 0, SYN, 0)); // B2, on node B
        byte[] atB2 = devB2.last();
        assertThat(VipFrames.srcIp(atB2)).isEqualTo(IP_B1);
        assertThat(VipFrames.srcMac(atB2)).isEqualTo(MAC_B1);
        assertThat(VipFrames.dstIp(atB2)).isEqualTo(IP_B2);
        assertThat(VipFrames.l4ChecksumValid(atB2)).isTrue();
        ByteBuf synAck = VipFrames.tcp(MAC_B1, MAC_B2, IP_B2, IP_B1, 80, 42_001, 9000, 1001, SYN | ACK, 0);
        b.fromPort(ctx, 100, portB2, synAck, Frames.OFFSET, Frames.length(synAck));
        byte[] back = devB1.last();
        assertThat(VipFrames.srcIp(back)).isEqualTo(VIP);
        assertThat(VipFrames.dstPort(back)).isEqualTo(42_001);
        assertThat(VipFrames.l4ChecksumValid(back)).isTrue();
        assertThat(drops()).isZero();
    }

    @Test
    void resetsAndTimeoutsStayAsForOtherFlows() {
        // The server side of a flow the switch does not know: an RST from the VIP, and no entry.
        fromB1(b1ToVip(80, 43_000, 5000, 1001, ACK, 0));
        byte[] rst = devB1.last();
        assertThat(VipFrames.tcpFlags(rst)).isEqualTo(RST);
        assertThat(VipFrames.seq(rst)).isEqualTo(1001);
        assertThat(VipFrames.srcIp(rst)).isEqualTo(VIP);
        assertThat(VipFrames.srcPort(rst)).isEqualTo(43_000);
        assertThat(VipFrames.dstPort(rst)).isEqualTo(80);
        assertThat(VipFrames.l4ChecksumValid(rst)).isTrue();
        assertThat(aCounters.drops(DropReason.VIP_NO_CONNECTION)).isEqualTo(1);
        assertThat(conntrack.size()).isZero();

        // A half-open hairpin expires like any: the late SYN-ACK is reset, not balanced.
        services(List.of(B1));
        fromB1(b1ToVip(43_001, 80, 1000, 0, SYN, 0));
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        fromB1(b1ToVip(80, 43_001, 5000, 1001, SYN | ACK, 0));
        assertThat(VipFrames.tcpFlags(devB1.last())).isEqualTo(RST);
        assertThat(aCounters.drops(DropReason.VIP_NO_CONNECTION)).isEqualTo(2);

        // The caller leaves the VIP's set: its next segment is reset, then so is its server's.
        fromB1(b1ToVip(43_002, 80, 1000, 0, SYN, 0));
        fromB1(b1ToVip(80, 43_002, 5000, 1001, SYN | ACK, 0));
        fromVipToB1(80, 43_002);
        services(List.of(B2));
        fromB1(b1ToVip(43_002, 80, 1001, 5001, ACK, 10));
        assertThat(VipFrames.tcpFlags(devB1.last())).isEqualTo(RST);
        assertThat(VipFrames.dstPort(devB1.last())).isEqualTo(43_002);
        assertThat(aCounters.drops(DropReason.VIP_BACKEND_GONE)).isEqualTo(1);
        fromB1(b1ToVip(80, 43_002, 5001, 1011, ACK, 10));
        assertThat(VipFrames.tcpFlags(devB1.last())).isEqualTo(RST);
        assertThat(VipFrames.dstPort(devB1.last())).isEqualTo(80);
        assertThat(aCounters.drops(DropReason.VIP_NO_CONNECTION)).isEqualTo(3);
        assertThat(devB2.frames()).isEmpty();
    }

    @Test
    void partialChecksumsAndTsoFramesStayValid() {
        services(List.of(B1));
        fromB1(b1ToVip(44_000, 80, 1000, 0, SYN, 0));
        fromB1(b1ToVip(80, 44_000, 5000, 1001, SYN | ACK, 0));
        for (boolean serverSide : new boolean[] {false, true}) {
            ByteBuf segment = serverSide ? b1ToVip(80, 44_000, 5001, 1001, ACK, 3000)
                    : b1ToVip(44_000, 80, 1001, 5001, ACK, 4000);
            byte[] partial = new byte[Frames.length(segment)];
            segment.getBytes(Frames.OFFSET, partial);
            int seed = VipFrames.partialSeed(partial);
            partial[VipFrames.L4 + 16] = (byte) (seed >>> 8);
            partial[VipFrames.L4 + 17] = (byte) seed;
            ByteBuf tap = VipFrames.copy(partial, VirtioNetHeader.LENGTH);
            new VirtioNetHeader().wrap(tap.memoryAddress()).clear().flags(VirtioNetHeader.F_NEEDS_CSUM)
                    .gsoType(VirtioNetHeader.GSO_TCPV4).gsoSize(1000).hdrLen(VipFrames.L4 + 20)
                    .csumStart(VipFrames.L4).csumOffset(16);
            a.fromTap(ctx, 100, portB1, tap, 0, tap.capacity());
            byte[] f = devB1.last();
            assertThat(f).hasSize(partial.length);
            assertThat(VipFrames.srcIp(f)).isEqualTo(VIP);
            assertThat(VipFrames.dstIp(f)).isEqualTo(IP_B1);
            assertThat(VipFrames.srcMac(f)).isEqualTo(MAC_VIP);
            assertThat(VipFrames.ipChecksumValid(f)).isTrue();
            assertThat(VipFrames.l4Checksum(f)).isEqualTo(VipFrames.partialSeed(f));
        }
        assertThat(devB1.frames()).hasSize(4);
        assertThat(drops()).isZero();
    }

    @Test
    void flowKeyTellsAHairpinByItsBackend() {
        FlowKey key = new FlowKey().set(100, IpProtocol.TCP_NUMBER, IP_B1, 45_000, 80).vip(VIP).backend(IP_B1);
        assertThat(key.hairpin()).isTrue();
        assertThat(key.backend(IP_B2).hairpin()).isFalse();
    }
}
