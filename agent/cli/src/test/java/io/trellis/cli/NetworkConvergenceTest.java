package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.NetworkAddress;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When {@code service update --network-add/--network-rm} has converged. */
class NetworkConvergenceTest {
    private static final ServiceView WEB = new ServiceView("s1", "web", "replicated", 2, 2, "img", "", 0, 2, 0, 0,
            null, List.of("a"), List.of(new NetworkAddress("a", "10.0.1.2")));

    private static TaskView task(String id, String desired, String state, String... networks) {
        return new TaskView(id, "web.1", "s1", "web", 1, "img", List.of(), "n1", "node1", desired, state, 0, "", "",
                -1, 0, 0, List.of(networks).stream().map(n -> new NetworkAddress(n, "10.0.1.9")).toList());
    }

    @Test
    void tasksOnTheOldNetworksDoNotCountEvenWhenAllRun() {
        // Right after the update: the old tasks still run, the service counts them as running.
        Convergence.Progress p = Convergence.networkProgress(WEB, List.of(task("t1", "Running", "Running", "a", "b"),
                task("t2", "Running", "Running", "a", "b")));

        assertThat(p.current()).isZero();
        assertThat(p.done()).isFalse();
    }

    @Test
    void replacementsCountOnceTheyRunAndShutDownTasksDoNotMatter() {
        List<TaskView> replacing = List.of(task("t1", "Shutdown", "Running", "a", "b"),
                task("t3", "Running", "Running", "a"), task("t4", "Running", "Pending", "a"));
        assertThat(Convergence.networkProgress(WEB, replacing)).isEqualTo(new Convergence.Progress(1, 2));

        List<TaskView> replaced = List.of(task("t1", "Shutdown", "Shutdown", "a", "b"),
                task("t3", "Running", "Running", "a"), task("t4", "Running", "Running", "a"));
        assertThat(Convergence.networkProgress(WEB, replaced).done()).isTrue();
    }
}
