package io.trellis.lab.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.trellis.cli.CliException;
import io.trellis.lab.Lab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The demo's bounded waits: they poll through a leaderless spell and end in one line when time runs out. */
class DemoClusterTest {
    private final DemoCluster cluster = new DemoCluster(new Lab(new PrintWriter(new StringWriter())), "web");

    @Test
    void awaitEndsWithOneLineNamingWhatDidNotHappen() {
        CliException e = catchThrowableOfType(
                () -> cluster.await(Duration.ofMillis(300), "node3's tasks were not rescheduled", () -> false),
                CliException.class);
        assertThat(e.exitCode()).isEqualTo(CliException.INTERNAL);
        assertThat(e.getMessage()).startsWith("demo: node3's tasks were not rescheduled within ").doesNotContain("\n");
    }

    @Test
    void awaitTakesAnUnreachableAgentAsNotYet() {
        AtomicInteger calls = new AtomicInteger();
        long millis = cluster.await(Duration.ofSeconds(10), "no new leader was elected", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new CliException(CliException.UNREACHABLE, "the swarm does not have a leader");
            }
            return true;
        });
        assertThat(calls).hasValue(3);
        assertThat(millis).isGreaterThanOrEqualTo(150);
    }
}
