package io.trellis.dataplane.switching;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.Conntrack;
import io.trellis.dataplane.lb.ConntrackSettings;
import io.trellis.dataplane.lb.VipCounters;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.testing.AllocationMeter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VIP path allocates nothing per packet in steady state: new UDP flows (every round's flows
 * expired on the fake clock, so each first packet inserts an entry), established UDP and TCP flows
 * both ways (DNAT to a local and a remote backend, the local backend's replies translated back),
 * hairpin TCP flows both ways (the local backend calling a VIP whose only backend it is), and
 * direct UDP from the client to the local backend on the NAT flows' ports (the flows balanced to
 * it are superseded and removed, the others' lookups miss) and direct TCP segments that open nothing;
 * and new TCP connections that the client resets at once (a pick, and for least-conn the count of an
 * opened and a closed connection). For each algorithm a VIP may have.
 */
class VipAllocationTest {
    private static final int FLOWS = 2_000;
    private static final int TCP_FLOWS = 200;
    private static final int HAIRPIN_FLOWS = 100;
    private static final int SHORT_CONNECTIONS = 200;
    private static final int SELF_VIP = VipSwitchTest.VIP + 10;
    private static final long MAC_SELF_VIP = EndpointAddress.macOf(SELF_VIP);
    private static final int WARM_UP_ROUNDS = 30;
    private static final int MEASURED_ROUNDS = 5;
    private static final long BOUND_BYTES = 1024;

    private final long[] nanos = {1_000_000_000L};
    /** Half-open TCP flows live a day here: the rounds' clock jumps must not expire them. */
    private final Conntrack conntrack = new Conntrack(new ConntrackSettings(1 << 16, 64, Duration.ofHours(2),
            Duration.ofSeconds(10), Duration.ofDays(1), Duration.ofSeconds(300), Duration.ofSeconds(10),
            Duration.ofSeconds(1)), () -> nanos[0]);
    private final NetworkCounters counters = new NetworkCounters();
    private final VipCounters vipCounters = new VipCounters();
    private final SwitchContext ctx = new SwitchContext();
    private long toBackends;
    private long translatedToClient;
    private long hairpinned;
    private int roundsRun;
    private final VirtualSwitch sw = new VirtualSwitch((buf, off, len, remote) -> {
        toBackends++;
        return true;
    }, conntrack);
    private Port client;
    private Port backend;

    private final ByteBuf udpOut = VipFrames.udp(VipSwitchTest.MAC_VIP, VipSwitchTest.MAC_C, VipSwitchTest.IP_C,
            VipSwitchTest.VIP, 0, 53, 100, true);
    private final ByteBuf udpBack = VipFrames.udp(VipSwitchTest.MAC_C, VipSwitchTest.MAC_B1, VipSwitchTest.IP_B1,
            VipSwitchTest.IP_C, 53, 0, 200, true);
    private final ByteBuf tcpOut = VipFrames.tcp(VipSwitchTest.MAC_VIP, VipSwitchTest.MAC_C, VipSwitchTest.IP_C,
            VipSwitchTest.VIP, 0, 80, 1001, 1, VipSwitchTest.ACK, 100);
    private final ByteBuf tcpBack = VipFrames.tcp(VipSwitchTest.MAC_C, VipSwitchTest.MAC_B1, VipSwitchTest.IP_B1,
            VipSwitchTest.IP_C, 80, 0, 1, 1101, VipSwitchTest.ACK, 1000);
    private final ByteBuf hairpinOut = VipFrames.tcp(MAC_SELF_VIP, VipSwitchTest.MAC_B1, VipSwitchTest.IP_B1, SELF_VIP,
            0, 80, 1001, 1, VipSwitchTest.ACK, 100);
    private final ByteBuf udpDirect = VipFrames.udp(VipSwitchTest.MAC_B1, VipSwitchTest.MAC_C, VipSwitchTest.IP_C,
            VipSwitchTest.IP_B1, 0, 53, 100, true);
    private final ByteBuf tcpDirect = VipFrames.tcp(VipSwitchTest.MAC_B1, VipSwitchTest.MAC_C, VipSwitchTest.IP_C,
            VipSwitchTest.IP_B1, 0, 80, 1001, 1, VipSwitchTest.ACK, 100);
    private final ByteBuf shortSyn = VipFrames.tcp(VipSwitchTest.MAC_VIP, VipSwitchTest.MAC_C, VipSwitchTest.IP_C,
            VipSwitchTest.VIP, 0, 80, 5000, 0, VipSwitchTest.SYN, 0);
    private final ByteBuf shortRst = VipFrames.tcp(VipSwitchTest.MAC_VIP, VipSwitchTest.MAC_C, VipSwitchTest.IP_C,
            VipSwitchTest.VIP, 0, 80, 5001, 0, VipSwitchTest.RST, 0);
    private final ByteBuf hairpinBack = VipFrames.tcp(MAC_SELF_VIP, VipSwitchTest.MAC_B1, VipSwitchTest.IP_B1, SELF_VIP,
            80, 0, 1, 1101, VipSwitchTest.ACK, 1000);
    /** What the switch rewrites: a fresh copy of a template per packet. */
    private final ByteBuf work = VipFrames.direct(Frames.OFFSET + 2048);

    @ParameterizedTest
    @ValueSource(strings = {"rr", "least-conn", "maglev"})
    void vipPacketsAllocateNothingOnNewAndEstablishedFlows(String algorithm) {
        SwitchTables.Builder t = SwitchTables.builder().network(VipSwitchTest.N1, counters);
        client = t.port("n1", VipSwitchTest.MAC_C, VipSwitchTest.IP_C, false, (buf, off, len) -> {
            if (buf.getInt(off + 26) == VipSwitchTest.VIP) {
                translatedToClient++;
            }
            return true;
        });
        backend = t.port("n1", VipSwitchTest.MAC_B1, VipSwitchTest.IP_B1, false, (buf, off, len) -> {
            if (buf.getInt(off + 26) == SELF_VIP) {
                hairpinned++;
            }
            toBackends++;
            return true;
        });
        t.remote(new EndpointInfo("t2", "n1", VipSwitchTest.IP_B2, VipSwitchTest.MAC_B2, VipSwitchTest.VTEP_B));
        t.services("n1", VipTable.of(List.of(new VipService("s1", "web", "n1", VipSwitchTest.VIP,
                List.of(new VipBackend("t1", "a", VipSwitchTest.IP_B1), new VipBackend("t2", "b", VipSwitchTest.IP_B2)),
                algorithm), new VipService("s2", "self", "n1", SELF_VIP,
                List.of(new VipBackend("t1", "a", VipSwitchTest.IP_B1)), algorithm)), vipCounters));
        sw.update(t.build());
        for (int p = 0; p < TCP_FLOWS; p++) {
            sendFrom(client, VipSwitchTest.syn(20_000 + p, VipSwitchTest.VIP), -1, 0);
        }
        for (int p = 0; p < HAIRPIN_FLOWS; p++) {
            sendFrom(backend, VipFrames.tcp(MAC_SELF_VIP, VipSwitchTest.MAC_B1, VipSwitchTest.IP_B1, SELF_VIP,
                    30_000 + p, 80, 1000, 0, VipSwitchTest.SYN, 0), -1, 0);
        }

        AllocationMeter meter = new AllocationMeter();
        rounds(WARM_UP_ROUNDS);
        long allocated = Long.MAX_VALUE;
        // Three attempts, keep the best: a late JIT deoptimisation may resolve something once; an
        // allocating hot path fails all three.
        for (int attempt = 0; attempt < 3 && allocated >= BOUND_BYTES; attempt++) {
            long before = meter.allocatedBytes();
            rounds(MEASURED_ROUNDS);
            allocated = Math.min(allocated, meter.allocatedBytes() - before);
        }
        assertThat(allocated).as("%s: bytes allocated by %d rounds", algorithm, MEASURED_ROUNDS)
                .isLessThan(BOUND_BYTES);
        // The direct datagrams superseded the UDP flows on B1, as many every round: round robin and
        // least-conn (its TCP counts even) give B1 every other flow, Maglev about half, the same ones.
        long onB1 = counters.natSuperseded.sum() / roundsRun;
        if (!algorithm.equals("maglev")) {
            assertThat(onB1).isEqualTo(FLOWS / 2);
        }
        assertThat(onB1).isBetween((long) FLOWS * 4 / 10, (long) FLOWS * 6 / 10);
        // The short connections' entries stay until their ports open the next ones.
        assertThat(conntrack.size()).isEqualTo(FLOWS - onB1 + TCP_FLOWS + HAIRPIN_FLOWS + SHORT_CONNECTIONS);
        assertThat(vipCounters.openConnections(VipSwitchTest.VIP, "t1")
                + vipCounters.openConnections(VipSwitchTest.VIP, "t2"))
                .isEqualTo(algorithm.equals("least-conn") ? TCP_FLOWS : 0);
        assertThat(hairpinned).isPositive();
        assertThat(vipCounters.backend(VipSwitchTest.VIP, "t1").packets.sum()).isPositive();
        assertThat(toBackends).isPositive();
        assertThat(translatedToClient).isPositive();
        assertThat(counters.drops(DropReason.CONNTRACK_FULL)).isZero();
        assertThat(counters.drops(DropReason.VIP_NO_CONNECTION)).isZero();
        ctx.close();
    }

    private void rounds(int n) {
        for (int round = 0; round < n; round++, roundsRun++) {
            nanos[0] += Duration.ofSeconds(301).toNanos(); // every UDP flow expires: the next packets open new ones
            for (int p = 0; p < FLOWS; p++) {
                sendFrom(client, udpOut, VipFrames.L4, 10_000 + p); // new
            }
            for (int p = 0; p < FLOWS; p++) {
                sendFrom(client, udpOut, VipFrames.L4, 10_000 + p); // established
                sendFrom(backend, udpBack, VipFrames.L4 + 2, 10_000 + p); // a reply (from B1 half the time)
            }
            for (int p = 0; p < TCP_FLOWS; p++) {
                sendFrom(client, tcpOut, VipFrames.L4, 20_000 + p);
                sendFrom(backend, tcpBack, VipFrames.L4 + 2, 20_000 + p);
            }
            for (int p = 0; p < HAIRPIN_FLOWS; p++) {
                sendFrom(backend, hairpinOut, VipFrames.L4, 30_000 + p);
                sendFrom(backend, hairpinBack, VipFrames.L4 + 2, 30_000 + p);
            }
            for (int p = 0; p < FLOWS; p++) {
                sendFrom(client, udpDirect, VipFrames.L4, 10_000 + p);
            }
            for (int p = 0; p < TCP_FLOWS; p++) {
                sendFrom(client, tcpDirect, VipFrames.L4, 20_000 + p);
            }
            for (int p = 0; p < SHORT_CONNECTIONS; p++) {
                sendFrom(client, shortSyn, VipFrames.L4, 40_000 + p); // new: the last round's entry expired
                sendFrom(client, shortRst, VipFrames.L4, 40_000 + p);
            }
        }
    }

    /** Copies {@code template} to the work buffer, puts {@code port} at {@code portField} (if ≥ 0) and switches it. */
    private void sendFrom(Port port, ByteBuf template, int portField, int clientPort) {
        int length = Frames.length(template);
        work.setBytes(Frames.OFFSET, template, Frames.OFFSET, length);
        if (portField >= 0) {
            work.setShort(Frames.OFFSET + portField, clientPort);
        }
        sw.fromPort(ctx, 100, port, work, Frames.OFFSET, length);
    }
}
