package io.trellis.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.vxlan.IpProtocol;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The connection table alone: both keys, timeouts per state on a fake clock, deletion, threads, sweeping. */
class ConntrackTest {
    static final int VNI = 100;
    static final int CLIENT = 0x0A_00_00_02;
    static final int VIP = 0x0A_00_00_64;
    static final int BACKEND = 0x0A_00_00_03;

    final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    private Conntrack table(ConntrackSettings settings) {
        return new Conntrack(settings, nanos::get);
    }

    private static FlowKey forward(int protocol, int clientPort) {
        return new FlowKey().set(VNI, protocol, CLIENT, clientPort, 80).vip(VIP);
    }

    private static FlowKey reverse(int protocol, int clientPort, int backend) {
        return new FlowKey().set(VNI, protocol, CLIENT, clientPort, 80).backend(backend);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aFlowFromTheSamePortToAnotherVipOnTheSameBackendTakesTheReplySideOver() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(64, 2));
        int otherVip = VIP + 1;
        assertThat(t.insert(forward(IpProtocol.TCP_NUMBER, 1234).backend(BACKEND), Conntrack.TCP_CLOSING, t.now())).isTrue();
        assertThat(t.insert(new FlowKey().set(VNI, IpProtocol.TCP_NUMBER, CLIENT, 1234, 80).vip(otherVip).backend(BACKEND),
                Conntrack.TCP_HALF_OPEN, t.now())).isTrue();

        FlowKey r = reverse(IpProtocol.TCP_NUMBER, 1234, BACKEND);
        assertThat(t.findReverse(r, t.now())).isTrue();
        assertThat(r.vip()).isEqualTo(otherVip);
        assertThat(t.findForward(forward(IpProtocol.TCP_NUMBER, 1234), t.now())).isFalse();
        assertThat(t.size()).isEqualTo(1);
        // Another backend behind the other VIP: no clash, both flows stay.
        assertThat(t.insert(forward(IpProtocol.TCP_NUMBER, 1234).backend(BACKEND + 1), Conntrack.TCP_HALF_OPEN, t.now())).isTrue();
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void findsAFlowFromBothSidesUntilRemoved() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(64, 2));
        assertThat(t.insert(forward(IpProtocol.TCP_NUMBER, 1234).backend(BACKEND), Conntrack.TCP_HALF_OPEN, t.now())).isTrue();
        FlowKey f = forward(IpProtocol.TCP_NUMBER, 1234);
        assertThat(t.findForward(f, t.now())).isTrue();
        assertThat(f.backend()).isEqualTo(BACKEND);
        assertThat(f.state()).isEqualTo(Conntrack.TCP_HALF_OPEN);
        FlowKey r = reverse(IpProtocol.TCP_NUMBER, 1234, BACKEND);
        assertThat(t.findReverse(r, t.now())).isTrue();
        assertThat(r.vip()).isEqualTo(VIP);
        // Other protocol, network, port or backend: other flows.
        assertThat(t.findForward(forward(IpProtocol.UDP_NUMBER, 1234), t.now())).isFalse();
        assertThat(t.findForward(new FlowKey().set(VNI + 1, IpProtocol.TCP_NUMBER, CLIENT, 1234, 80).vip(VIP), t.now())).isFalse();
        assertThat(t.findForward(forward(IpProtocol.TCP_NUMBER, 1235), t.now())).isFalse();
        assertThat(t.findReverse(reverse(IpProtocol.TCP_NUMBER, 1234, BACKEND + 1), t.now())).isFalse();

        t.transition(f, Conntrack.TCP_HALF_OPEN, Conntrack.TCP_ESTABLISHED, t.now());
        assertThat(t.findReverse(r, t.now())).isTrue();
        assertThat(r.state()).isEqualTo(Conntrack.TCP_ESTABLISHED);
        t.remove(f);
        assertThat(t.findForward(f, t.now())).isFalse();
        assertThat(t.findReverse(r, t.now())).isFalse();
        assertThat(t.size()).isZero();
    }

    @Test
    void expiresEachStateAfterItsOwnIdleTimeout() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withTcpEstablished(Duration.ofMinutes(30)).withCapacity(64, 1));
        int[] states = {Conntrack.TCP_HALF_OPEN, Conntrack.TCP_ESTABLISHED, Conntrack.TCP_CLOSING, Conntrack.UDP, Conntrack.ICMP};
        Duration[] timeouts = {Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofSeconds(10),
                Duration.ofSeconds(300), Duration.ofSeconds(10)};
        for (int i = 0; i < states.length; i++) {
            long start = nanos.get();
            FlowKey k = forward(IpProtocol.UDP_NUMBER, 2000 + i).backend(BACKEND);
            t.insert(k, states[i], t.now());
            advance(timeouts[i].minusMillis(1));
            assertThat(t.findForward(forward(IpProtocol.UDP_NUMBER, 2000 + i), t.now())).as("state %d", states[i]).isTrue();
            nanos.set(start); // that lookup refreshed it: start over from the insert
            t.insert(k, states[i], t.now());
            advance(timeouts[i].plusMillis(1));
            assertThat(t.findForward(forward(IpProtocol.UDP_NUMBER, 2000 + i), t.now())).as("state %d", states[i]).isFalse();
            assertThat(t.findReverse(reverse(IpProtocol.UDP_NUMBER, 2000 + i, BACKEND), t.now())).isFalse();
            assertThat(t.size()).isEqualTo(1); // ignored at once, freed by the sweep
            assertThat(t.sweep()).isEqualTo(1);
            assertThat(t.size()).isZero();
        }
    }

    @Test
    void trafficKeepsAFlowAlive() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(64, 1));
        t.insert(forward(IpProtocol.UDP_NUMBER, 53).backend(BACKEND), Conntrack.UDP, t.now());
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofSeconds(200));
            assertThat(t.findReverse(reverse(IpProtocol.UDP_NUMBER, 53, BACKEND), t.now())).isTrue();
        }
        assertThat(t.sweep()).isZero();
    }

    @Test
    void refusesNewFlowsWhenFullUntilSomeExpire() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(8, 1));
        for (int p = 0; p < 8; p++) {
            assertThat(t.insert(forward(IpProtocol.UDP_NUMBER, p).backend(BACKEND), Conntrack.UDP, t.now())).isTrue();
        }
        assertThat(t.insert(forward(IpProtocol.UDP_NUMBER, 100).backend(BACKEND), Conntrack.UDP, t.now())).isFalse();
        // Replacing a flow's own entry needs no room.
        assertThat(t.insert(forward(IpProtocol.UDP_NUMBER, 3).backend(BACKEND + 1), Conntrack.UDP, t.now())).isTrue();
        assertThat(t.size()).isEqualTo(8);
        advance(Duration.ofSeconds(301));
        assertThat(t.insert(forward(IpProtocol.UDP_NUMBER, 100).backend(BACKEND), Conntrack.UDP, t.now())).isTrue();
        assertThat(t.size()).isEqualTo(1);
    }

    /** Inserts and removals in one small stripe, checked against a map: deletion keeps every probe chain whole. */
    @Test
    void agreesWithAMapOverRandomInsertsAndRemovals() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(200, 1));
        Map<Integer, Integer> model = new HashMap<>();
        Random random = new Random(42);
        for (int op = 0; op < 50_000; op++) {
            int port = random.nextInt(300);
            if (random.nextInt(3) == 0) {
                t.remove(forward(IpProtocol.TCP_NUMBER, port));
                model.remove(port);
            } else if (model.size() < 200 || model.containsKey(port)) {
                int backend = BACKEND + random.nextInt(4);
                assertThat(t.insert(forward(IpProtocol.TCP_NUMBER, port).backend(backend), Conntrack.TCP_ESTABLISHED, t.now())).isTrue();
                model.put(port, backend);
            }
            int probe = random.nextInt(300);
            FlowKey k = forward(IpProtocol.TCP_NUMBER, probe);
            boolean found = t.findForward(k, t.now());
            assertThat(found).as("port %d after op %d", probe, op).isEqualTo(model.containsKey(probe));
            if (found) {
                assertThat(k.backend()).isEqualTo(model.get(probe));
                assertThat(t.findReverse(reverse(IpProtocol.TCP_NUMBER, probe, k.backend()), t.now())).isTrue();
            }
        }
        assertThat(t.size()).isEqualTo(model.size());
    }

    /**
     * Readers of established flows always find them while another thread fills and empties the
     * same stripe around them (one stripe: every write collides with the optimistic reads).
     */
    @Test
    void readersFindEstablishedFlowsWhileTheStripeChurns() throws Exception {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(4096, 1));
        for (int p = 0; p < 100; p++) {
            t.insert(forward(IpProtocol.TCP_NUMBER, p).backend(BACKEND + p), Conntrack.TCP_ESTABLISHED, t.now());
        }
        AtomicBoolean churning = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int round = 0; round < 200; round++) {
                    for (int p = 1000; p < 3000; p++) {
                        t.insert(forward(IpProtocol.TCP_NUMBER, p).backend(BACKEND), Conntrack.TCP_HALF_OPEN, t.now());
                    }
                    for (int p = 1000; p < 3000; p++) {
                        t.remove(forward(IpProtocol.TCP_NUMBER, p));
                    }
                }
            } finally {
                churning.set(false);
            }
        });
        Runnable reader = () -> {
            FlowKey k = new FlowKey();
            FlowKey r = new FlowKey();
            for (long n = 0; n < 20_000_000L && (churning.get() || n < 100_000); n++) {
                int p = (int) (n % 100);
                k.set(VNI, IpProtocol.TCP_NUMBER, CLIENT, p, 80).vip(VIP);
                if (!t.findForward(k, t.now()) || k.backend() != BACKEND + p) {
                    throw new AssertionError("flow " + p + " missed or wrong: " + k.backend());
                }
                r.set(VNI, IpProtocol.TCP_NUMBER, CLIENT, p, 80).backend(BACKEND + p);
                if (!t.findReverse(r, t.now()) || r.vip() != VIP) {
                    throw new AssertionError("reply of flow " + p + " missed");
                }
            }
        };
        CompletableFuture<Void> r1 = CompletableFuture.runAsync(reader);
        CompletableFuture<Void> r2 = CompletableFuture.runAsync(reader);
        CompletableFuture.allOf(writer, r1, r2).get(60, TimeUnit.SECONDS);
        assertThat(t.size()).isEqualTo(100);
    }

    @Test
    void sweepsOnTheCallersSchedulerOrItsOwnThread() {
        Conntrack t = table(ConntrackSettings.DEFAULT.withCapacity(64, 4));
        t.insert(forward(IpProtocol.ICMP_NUMBER, 1).backend(BACKEND), Conntrack.ICMP, t.now());
        advance(Duration.ofSeconds(11));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = ConntrackSweeper.schedule(t, scheduler, Duration.ofMillis(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> t.size() == 0);
            task.cancel(false);
        } finally {
            scheduler.shutdownNow();
        }
        t.insert(forward(IpProtocol.ICMP_NUMBER, 2).backend(BACKEND), Conntrack.ICMP, t.now());
        advance(Duration.ofSeconds(11));
        try (ConntrackSweeper sweeper = ConntrackSweeper.start(t, Duration.ofMillis(10))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> t.size() == 0);
        }
    }
}
