package io.trellis.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.store.HealthCheck;
import io.trellis.controlplane.store.HealthResult;
import io.trellis.controlplane.store.TaskHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Docker's health semantics with real short processes standing in for the task's exec. */
class HealthMonitorTest {
    /** What the next check runs: a shell script, given the check's number (1, 2, ...). */
    private final AtomicReference<String> script = new AtomicReference<>("exit 0");
    private final AtomicInteger runs = new AtomicInteger();
    private final Queue<Process> started = new ConcurrentLinkedQueue<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final HealthMonitors monitors = new HealthMonitors((taskId, argv) -> {
        assertThat(argv).containsExactly("/bin/sh", "-c", "the check");
        int n = runs.incrementAndGet();
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", script.get().replace("$N", Integer.toString(n))).start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }, Clock.systemUTC());
    private HealthMonitor monitor;

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
        monitors.close();
        started.forEach(Process::destroyForcibly);
    }

    private HealthMonitor watch(long timeoutMillis, long startPeriodMillis, int retries) {
        monitor = monitors.watch("t1", new HealthCheck(List.of("CMD-SHELL", "the check"), 100, timeoutMillis,
                startPeriodMillis, retries), changes::incrementAndGet);
        return monitor;
    }

    @Test
    void retriesFailuresInARowMakeItUnhealthyAndChecksStop() {
        script.set("echo broken; exit 1");
        HealthMonitor m = watch(5_000, 0, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().status() == TaskHealth.Status.UNHEALTHY);
        TaskHealth h = m.current();
        assertThat(h.failingStreak()).isEqualTo(3);
        assertThat(h.log()).hasSize(3).allSatisfy(r -> {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.output()).isEqualTo("broken\n");
            assertThat(r.end()).isGreaterThanOrEqualTo(r.start());
        });
        assertThat(changes).hasValue(3); // streak 1, streak 2, unhealthy
        assertThat(m.healthy()).isNotDone();
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 3);
    }

    @Test
    void aSuccessResetsTheStreakAndMakesItHealthy() {
        script.set("exit 1");
        HealthMonitor m = watch(5_000, 0, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().failingStreak() == 2);
        script.set("exit 0");
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().status() == TaskHealth.Status.HEALTHY);
        assertThat(m.current().failingStreak()).isZero();
        assertThat(m.healthy()).isDone();
        script.set("exit 1");
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().status() == TaskHealth.Status.UNHEALTHY);
    }

    @Test
    void failuresInTheStartPeriodDoNotCountUntilItEnds() {
        script.set("exit 1");
        long begin = System.currentTimeMillis();
        HealthMonitor m = watch(5_000, 1_500, 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().log().size() >= 3);
        if (System.currentTimeMillis() - begin < 1_400) { // the box may be slow: judge only what ran in the period
            assertThat(m.current().status()).isEqualTo(TaskHealth.Status.STARTING);
            assertThat(m.current().failingStreak()).isZero();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().status() == TaskHealth.Status.UNHEALTHY);
        HealthResult counted = m.current().log().get(m.current().log().size() - 1);
        assertThat(counted.start() - begin).isGreaterThanOrEqualTo(1_500);
        assertThat(m.current().failingStreak()).isEqualTo(1);
    }

    @Test
    void aSuccessInTheStartPeriodMakesItHealthyAtOnce() {
        HealthMonitor m = watch(5_000, 60_000, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().status() == TaskHealth.Status.HEALTHY);
        assertThat(m.healthy()).isDone();
        assertThat(changes).hasValue(1);
    }

    @Test
    void aHangingCheckIsKilledAtItsTimeoutAndFails() {
        script.set("sleep 60");
        HealthMonitor m = watch(300, 0, 1);
        long begin = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> m.current().status() == TaskHealth.Status.UNHEALTHY);
        long tookMillis = (System.nanoTime() - begin) / 1_000_000;
        assertThat(tookMillis).as("interval 100ms + timeout 300ms + margin").isLessThan(2_000);
        HealthResult r = m.current().log().get(0);
        assertThat(r.output()).isEqualTo("health check exceeded timeout (300ms)");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.end() - r.start()).isBetween(300L, 1_500L);
        Process p = started.peek();
        await().atMost(Duration.ofSeconds(2)).until(() -> !p.isAlive() && p.descendants().findAny().isEmpty());
    }

    @Test
    void keepsTheLastFiveResultsWithBoundedOutput() {
        script.set("echo run-$N; head -c 100000 /dev/zero | tr '\\0' x >&2");
        HealthMonitor m = watch(5_000, 0, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 8 && m.current().log().size() == 5
                && m.current().log().get(4).output().startsWith("run-" + (runs.get())));
        List<HealthResult> log = m.current().log();
        int last = Integer.parseInt(log.get(4).output().substring(4, log.get(4).output().indexOf('\n')));
        for (int i = 0; i < 5; i++) {
            assertThat(log.get(i).output()).startsWith("run-" + (last - 4 + i) + "\n").hasSize(HealthMonitor.OUTPUT_LIMIT);
            assertThat(log.get(i).exitCode()).isZero();
        }
    }

    @Test
    void closingKillsTheCheckRunningNow() {
        script.set("sleep 60");
        HealthMonitor m = watch(60_000, 0, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.peek() != null);
        m.close();
        Process p = started.peek();
        await().atMost(Duration.ofSeconds(2)).until(() -> !p.isAlive());
        assertThat(m.current().log()).isEmpty();
    }
}
