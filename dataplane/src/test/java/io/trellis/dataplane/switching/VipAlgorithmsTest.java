package io.trellis.dataplane.switching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.Conntrack;
import io.trellis.dataplane.lb.ConntrackSettings;
import io.trellis.dataplane.lb.VipCounters;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A VIP balanced by its service's algorithm, with crafted frames through one node's switch: a client
 * and four local backends. Maglev gives a flow (its 5-tuple) the same backend from every snapshot of
 * the same set, whatever order flows come in; removing a backend moves only its flows. least-conn
 * sends a new flow to the backend with the fewest TCP connections open through this node's NAT, and
 * a connection stops counting at its FIN or RST or when it expires.
 */
class VipAlgorithmsTest {
    static final int FLOWS = 10_000;
    static final int FIRST_PORT = 10_000;
    static final int IP_C = Ipv4Address.parse("10.0.0.2");
    static final long MAC_C = EndpointAddress.macOf(IP_C);
    static final int VIP = Ipv4Address.parse("10.0.0.100");
    static final long MAC_VIP = EndpointAddress.macOf(VIP);
    static final List<VipBackend> BACKENDS = List.of(backend(1), backend(2), backend(3), backend(4));

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Conntrack conntrack = new Conntrack(ConntrackSettings.DEFAULT.withCapacity(1 << 16, 4), nanos::get);
    final VirtualSwitch sw = new VirtualSwitch((buf, off, len, remote) -> true, conntrack);
    final SwitchContext ctx = new SwitchContext();
    /** Client port → the host part of the backend its last packet went to (0: none yet). */
    final int[] backendOf = new int[65_536];
    final ByteBuf work = VipFrames.direct(Frames.OFFSET + 2048);
    final ByteBuf udpOut = VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 0, 53, 10, true);
    Port client;
    Port[] ports;

    private static VipBackend backend(int n) {
        return new VipBackend("t" + n, "node-a", backendIp(n));
    }

    private static int backendIp(int n) {
        return Ipv4Address.parse("10.0.0." + (10 + n));
    }

    @AfterEach
    void release() {
        ctx.close();
    }

    /** Node A's tables with the VIP over {@code backends} by {@code algorithm}, counters from {@code counters}. */
    private void services(String algorithm, List<VipBackend> backends, VipCounters counters) {
        List<VipService> services = List.of(new VipService("s1", "web", "n1", VIP, backends, algorithm));
        counters.retain(services);
        SwitchTables.Builder t = SwitchTables.builder().network(VipSwitchTest.N1, new NetworkCounters());
        client = t.port("n1", MAC_C, IP_C, false, (buf, off, len) -> true);
        ports = new Port[5];
        for (int n = 1; n <= 4; n++) {
            ports[n] = t.port("n1", EndpointAddress.macOf(backendIp(n)), backendIp(n), false, (buf, off, len) -> {
                // The destination address's last byte names the backend; the source port, the flow.
                backendOf[buf.getUnsignedShort(off + VipFrames.L4)] = buf.getByte(off + VipFrames.L4 - 1) - 10;
                return true;
            });
        }
        t.services("n1", VipTable.of(services, counters));
        sw.update(t.build());
    }

    private void send(Port from, ByteBuf frame) {
        sw.fromPort(ctx, 100, from, frame, Frames.OFFSET, Frames.length(frame));
    }

    /** One UDP datagram from the client on each of the flows' ports, in ascending or descending order. */
    private int[] udpFlows(boolean descending) {
        Arrays.fill(backendOf, 0);
        for (int i = 0; i < FLOWS; i++) {
            int port = FIRST_PORT + (descending ? FLOWS - 1 - i : i);
            int length = Frames.length(udpOut);
            work.setBytes(Frames.OFFSET, udpOut, Frames.OFFSET, length);
            work.setShort(Frames.OFFSET + VipFrames.L4, port);
            sw.fromPort(ctx, 100, client, work, Frames.OFFSET, length);
        }
        int[] out = Arrays.copyOfRange(backendOf, FIRST_PORT, FIRST_PORT + FLOWS);
        assertThat(out).as("every flow reached a backend").doesNotContain(0);
        return out;
    }

    private void expireUdpFlows() {
        nanos.addAndGet(Duration.ofSeconds(301).toNanos());
    }

    private static int[] perBackend(int[] flows) {
        int[] n = new int[5];
        for (int b : flows) {
            n[b]++;
        }
        return n;
    }

    @Test
    void maglevGivesAFlowTheSameBackendFromEverySnapshotOfTheSameSet() {
        VipCounters counters = new VipCounters();
        services("maglev", BACKENDS, counters);
        int[] first = udpFlows(false);
        int[] spread = perBackend(first);
        for (int n = 1; n <= 4; n++) {
            assertThat(spread[n]).as("flows on backend %d", n).isBetween(FLOWS / 4 * 8 / 10, FLOWS / 4 * 12 / 10);
        }

        // A new snapshot of the same set; the flows expired, so each is picked again, in reverse order.
        expireUdpFlows();
        services("maglev", BACKENDS, counters);
        assertThat(udpFlows(true)).isEqualTo(first);
        // Another node's view: fresh state, a table built anew from the same set, backends listed in another order.
        expireUdpFlows();
        services("maglev", List.of(BACKENDS.get(3), BACKENDS.get(1), BACKENDS.get(0), BACKENDS.get(2)),
                new VipCounters());
        assertThat(udpFlows(false)).isEqualTo(first);
    }

    @Test
    void maglevRemovingOneOfFourBackendsMovesOnlyItsFlows() {
        VipCounters counters = new VipCounters();
        services("maglev", BACKENDS, counters);
        int[] before = udpFlows(false);
        services("maglev", BACKENDS.subList(0, 3), counters);
        int[] after = udpFlows(false);
        int orphans = 0;
        int[] orphanSpread = new int[5];
        for (int i = 0; i < FLOWS; i++) {
            if (before[i] == 4) {
                orphans++;
                orphanSpread[after[i]]++;
            } else {
                assertThat(after[i]).as("flow from port %d", FIRST_PORT + i).isEqualTo(before[i]);
            }
        }
        assertThat(orphans).isBetween(FLOWS / 4 * 8 / 10, FLOWS / 4 * 12 / 10);
        assertThat(orphanSpread[4]).isZero();
        for (int n = 1; n <= 3; n++) {
            assertThat((double) orphanSpread[n]).as("moved flows on backend %d", n)
                    .isBetween(orphans / 3.0 * 0.75, orphans / 3.0 * 1.25);
        }

        // Even unpinned (the connection table lost, or on another node) few of the others' flows move.
        expireUdpFlows();
        int[] repicked = udpFlows(false);
        int changed = 0;
        for (int i = 0; i < FLOWS; i++) {
            if (before[i] != 4 && repicked[i] != before[i]) {
                changed++;
            }
        }
        System.out.printf("maglev VIP, 4 → 3 backends: %d of %d flows were on the removed one; unpinned, %d of the"
                + " others' flows would change backend%n", orphans, FLOWS, changed);
        assertThat(changed).isLessThan((FLOWS - orphans) / 20);
    }

    /** A SYN from the client on {@code port}, answered by its backend's SYN-ACK: returns that backend. */
    private int connect(int port) {
        send(client, VipFrames.tcp(MAC_VIP, MAC_C, IP_C, VIP, port, 80, 1000, 0, VipSwitchTest.SYN, 0));
        int b = backendOf[port];
        assertThat(b).as("backend of the connection from %d", port).isPositive();
        send(ports[b], VipFrames.tcp(MAC_C, EndpointAddress.macOf(backendIp(b)), backendIp(b), IP_C, 80, port, 1,
                1001, VipSwitchTest.SYN | VipSwitchTest.ACK, 0));
        return b;
    }

    @Test
    void leastConnSendsANewFlowToTheBackendWithFewerOpenConnections() {
        VipCounters counters = new VipCounters();
        services("least-conn", BACKENDS.subList(0, 2), counters);
        int[] backendOfPort = new int[7];
        for (int p = 1; p <= 3; p++) {
            backendOfPort[p] = connect(40_000 + p);
        }
        int heavy = backendOfPort[1] == backendOfPort[2] || backendOfPort[1] == backendOfPort[3]
                ? backendOfPort[1] : backendOfPort[2];
        int light = 3 - heavy;
        assertThat(counters.openConnections(VIP, "t" + heavy)).isEqualTo(2);
        assertThat(counters.openConnections(VIP, "t" + light)).isEqualTo(1);
        backendOfPort[4] = connect(40_004);
        assertThat(backendOfPort[4]).isEqualTo(light);
        // UDP flows are not connections: they neither count nor change the picks of TCP ones.
        send(client, VipFrames.udp(MAC_VIP, MAC_C, IP_C, VIP, 5000, 53, 10, true));
        assertThat(counters.openConnections(VIP, "t1") + counters.openConnections(VIP, "t2")).isEqualTo(4);

        // The heavy backend's connections end: one by the client's FIN, one by the backend's RST.
        int[] heavyPorts = IntStream.rangeClosed(1, 4).filter(p -> backendOfPort[p] == heavy)
                .map(p -> 40_000 + p).toArray();
        send(client, VipFrames.tcp(MAC_VIP, MAC_C, IP_C, VIP, heavyPorts[0], 80, 1001, 2,
                VipSwitchTest.FIN | VipSwitchTest.ACK, 0));
        send(ports[heavy], VipFrames.tcp(MAC_C, EndpointAddress.macOf(backendIp(heavy)), backendIp(heavy), IP_C, 80,
                heavyPorts[1], 2, 1001, VipSwitchTest.RST, 0));
        assertThat(counters.openConnections(VIP, "t" + heavy)).isZero();
        assertThat(counters.openConnections(VIP, "t" + light)).isEqualTo(2);
        // Round robin would alternate; least-conn fills the emptied backend up to the other's level.
        assertThat(connect(40_005)).isEqualTo(heavy);
        assertThat(connect(40_006)).isEqualTo(heavy);

        // A snapshot for another change keeps the counts; idle connections expire and stop counting.
        services("least-conn", BACKENDS.subList(0, 2), counters);
        assertThat(counters.openConnections(VIP, "t" + heavy)).isEqualTo(2);
        nanos.addAndGet(Duration.ofHours(2).plusSeconds(1).toNanos());
        conntrack.sweep();
        assertThat(counters.openConnections(VIP, "t1")).isZero();
        assertThat(counters.openConnections(VIP, "t2")).isZero();
    }

    @Test
    void roundRobinStaysTheDefault() {
        assertThat(new VipService("s1", "web", "n1", VIP, BACKENDS).algorithm()).isEqualTo("rr");
        assertThatThrownBy(() -> new VipService("s1", "web", "n1", VIP, BACKENDS, "wrr"))
                .hasMessage("unknown balancing algorithm \"wrr\" (valid: rr, least-conn, maglev)");
        services("rr", BACKENDS, new VipCounters());
        int[] flows = udpFlows(false);
        for (int i = 0; i < FLOWS; i++) {
            assertThat(flows[i]).isEqualTo(i % 4 + 1);
        }
    }
}
