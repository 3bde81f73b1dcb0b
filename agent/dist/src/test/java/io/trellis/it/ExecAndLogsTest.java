package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis exec} and {@code service logs} for a task on a worker, asked of the manager: the manager
 * relays to the worker's node port, so both work wherever the task runs.
 */
class ExecAndLogsTest {
    @TempDir
    Path dir;

    private final List<AgentProcess> agents = new ArrayList<>();
    private AgentProcess manager;

    @BeforeEach
    void cluster() throws IOException {
        TestAgents.assumeTaskNamespaces();
        manager = agent("m");
        AgentProcess worker = agent("w");
        TestAgents.startAll(agents);
        TestAgents.cli(manager).ok("swarm", "init");
        String token = TestAgents.cli(manager).ok("swarm", "join-token", "-q", "worker").strip();
        TestAgents.cli(worker).ok("swarm", "join", "--token", token, manager.clusterAddress());
    }

    @AfterEach
    void stop() throws Exception {
        TestAgents.terminateAll(agents, Duration.ofSeconds(20));
    }

    /** An agent of this test, not started yet. */
    private AgentProcess agent(String name) throws IOException {
        AgentProcess a = TestAgents.create(dir.resolve(name), name, List.of("--heartbeat-period", "500ms"));
        agents.add(a);
        return a;
    }

    @Test
    void execAndLogsReachATaskOnAWorkerThroughTheManager() throws Exception {
        TestAgents.cli(manager).ok("service", "create", "-d", "--name", "probe", "--constraint", "node.role==worker",
                "img", "sh", "-c", "echo started $TRELLIS_TASK_NAME; echo second line; exec sleep 600");
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks().stream()
                .anyMatch(t -> t.state().equals("Running") && t.node().equals("w")));

        await().atMost(Duration.ofSeconds(10)).until(() -> TestAgents.cli(manager).ok("service", "logs", "probe")
                .contains("second line"));
        String logs = TestAgents.cli(manager).ok("service", "logs", "probe");
        assertThat(logs).containsPattern("probe\\.1\\.[0-9a-z]{12}@w    \\| started probe\\.1\n");
        assertThat(TestAgents.cli(manager).ok("service", "logs", "--tail", "1", "probe")).endsWith("| second line\n")
                .doesNotContain("started");
        assertThat(TestAgents.cli(manager).ok("service", "logs", "--timestamps", "probe")).containsPattern(
                "(?m)^20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z probe\\.1\\.[0-9a-z]{12}@w    \\| started probe\\.1$");

        AgentCli.Result out = exec(null, "probe.1", "--", "sh", "-c", "echo out $TRELLIS_TASK_NAME; echo err >&2; exit 7");
        assertThat(out.exitCode()).as("%s", out).isEqualTo(7);
        assertThat(out.out()).isEqualTo("out\n");
        assertThat(out.err()).isEqualTo("err\n");

        AgentCli.Result piped = exec("fed through the manager", "-i", "probe.1", "--", "cat");
        assertThat(piped.exitCode()).isZero();
        assertThat(piped.out()).isEqualTo("fed through the manager");

        // The command runs in the task's network namespace, not the node's: it sees only the task's interfaces.
        AgentCli.Result links = exec(null, "probe.1", "--", "cat", "/proc/net/dev");
        assertThat(links.out()).contains("lo:").doesNotContain("eth0:");

        AgentCli.Result unknown = exec(null, "nosuch.1", "--", "true");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("error: no such task: nosuch.1");
        // service update --user rolls the task; the new one runs as that user.
        // A short monitor: Docker's 5 s would only hold back the CLI's "converged" once the task is replaced.
        TestAgents.cli(manager).ok("service", "update", "--update-monitor", "500ms", "--user", "1000:1000", "probe");
        await().atMost(Duration.ofSeconds(30)).until(() -> exec(null, "probe.1", "--", "id", "-u").out().equals("1000\n"));

        AgentCli.Result tty = exec(null, "-t", "probe.1", "--", "true");
        assertThat(tty.exitCode()).isEqualTo(1);
        assertThat(tty.err()).contains("-t is not supported");
    }

    private List<TaskView> tasks() {
        return Json.read(TestAgents.cli(manager).ok("service", "ps", "probe", "--format", "json")
                .getBytes(StandardCharsets.UTF_8), new TypeReference<List<TaskView>>() { });
    }

    private AgentCli.Result exec(String stdin, String... args) throws Exception {
        return TestAgents.exec(manager, stdin, args);
    }
}
