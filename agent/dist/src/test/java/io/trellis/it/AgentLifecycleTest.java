package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a real agent through the CLI as a user would: init, create, scale, a task killed and
 * replaced, the agent killed and restarted with every record back, rm, clean SIGTERM.
 */
@Tag("netns")
class AgentLifecycleTest {
    private static final Path TASK_NETNS = Path.of("/run/trellis/netns");

    @TempDir
    Path dataDir;
    private AgentProcess agent;
    private AgentCli cli;

    @BeforeEach
    void startAgent() throws Exception {
        TestAgents.assumeTaskNamespaces();
        agent = TestAgents.start(dataDir);
        cli = TestAgents.cli(agent);
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null && agent.isAlive()) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }

    private List<TaskView> tasks(String service) {
        return Json.read(cli.ok("service", "ps", service, "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    private List<TaskView> running(String service) {
        return tasks(service).stream()
                .filter(t -> t.desiredState().equals("Running") && t.state().equals("Running")).toList();
    }

    /**
     * Whether web's running tasks are three, {@code gone} not among them, by one answer: read twice, a count of
     * three could include {@code gone} just before it ended, with its replacement not running yet.
     */
    private boolean threeRunningWithout(TaskView gone) {
        List<TaskView> now = running("web");
        return now.size() == 3 && now.stream().noneMatch(t -> t.id().equals(gone.id()));
    }

    private ServiceView service(String name) {
        List<ServiceView> all = Json.read(cli.ok("service", "ls", "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<ServiceView>>() { });
        return all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void servicesSurviveTaskDeathAndAgentCrash() throws Exception {
        assertThat(cli.ok("swarm", "init")).contains("is now a manager");
        assertThat(cli.ok("node", "ls")).contains("itest").contains("Ready").contains("Leader").contains(" * ");

        // No restart delay: a crashed task is replaced at once (the default waits Docker's 5 s).
        String created = cli.ok("service", "create", "--name", "web", "--replicas", "2", "--env", "GREETING=hi",
                "--restart-delay", "0s", "trellis/http", "trellis", "workload", "http", "--port", "8080");
        assertThat(created).contains("verify: Service converged");
        assertThat(cli.ok("service", "ls")).containsPattern("web\\s+replicated\\s+2/2\\s+trellis/http");

        assertThat(cli.ok("service", "scale", "web=3")).contains("web scaled to 3");
        // Encryption at rest: nothing of the service spec is readable in the Raft log or snapshots.
        assertThat(grepRaftDir("GREETING")).isEmpty();
        assertThat(grepRaftDir("trellis/http")).isEmpty();
        assertThat(grepRaftDir("workload")).isEmpty();
        assertThat(running("web")).hasSize(3);
        assertThat(running("web")).allMatch(t -> Files.exists(TASK_NETNS.resolve(t.id())));

        // A task's process dies: a new task takes its slot within 2 s, the old one stays in history.
        TaskView victim = running("web").get(0);
        long killedAt = System.nanoTime();
        ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                threeRunningWithout(victim));
        long replacedMillis = (System.nanoTime() - killedAt) / 1_000_000;
        TaskView old = tasks("web").stream().filter(t -> t.id().equals(victim.id())).findFirst().orElseThrow();
        assertThat(old.state()).isIn("Failed", "Shutdown");
        assertThat(old.desiredState()).isEqualTo("Shutdown");
        assertThat(cli.ok("service", "ps", "web")).contains("\\_ web." + victim.slot());
        System.out.println("task replaced in " + replacedMillis + " ms");

        // The agent dies hard: the tasks keep running, and after a restart every record is back.
        Set<String> before = running("web").stream().map(TaskView::id).collect(Collectors.toSet());
        List<Long> pids = running("web").stream().map(TaskView::pid).toList();
        agent.kill();
        assertThat(pids).allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        agent.start(TestAgents.START);
        assertThat(service("web").desired()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> running("web").size() == 3);
        assertThat(running("web").stream().map(TaskView::id).collect(Collectors.toSet())).isEqualTo(before);
        assertThat(tasks("web")).anyMatch(t -> t.id().equals(victim.id()));

        // The restarted agent still supervises the adopted tasks.
        TaskView adopted = running("web").get(1);
        ProcessHandle.of(adopted.pid()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> threeRunningWithout(adopted));

        String logs = cli.ok("service", "logs", "web");
        assertThat(logs).containsPattern("web\\.\\d\\.[a-z0-9]{12}@itest +\\| http workload");

        // rm stops every process and deletes its namespaces and folders.
        List<TaskView> last = running("web");
        assertThat(cli.ok("service", "rm", "web")).contains("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> last.stream().noneMatch(t ->
                ProcessHandle.of(t.pid()).map(ProcessHandle::isAlive).orElse(false)
                        || Files.exists(TASK_NETNS.resolve(t.id()))
                        || Files.exists(dataDir.resolve("tasks").resolve(t.id()))));
        assertThat(cli.ok("service", "ls")).doesNotContain("web");

        assertThat(TestAgents.terminate(agent, Duration.ofSeconds(30))).isZero();
    }

    @Test
    void sigtermStopsTasksAndRestartReplacesThem() throws Exception {
        cli.ok("swarm", "init");
        // No restart delay: the tasks gone after the restart are replaced at once (the default waits Docker's 5 s).
        cli.ok("service", "create", "--name", "echo", "--replicas", "2", "--restart-delay", "0s", "img", "trellis",
                "workload", "echo", "--port", "7000");
        List<TaskView> first = running("echo");
        assertThat(TestAgents.terminate(agent, Duration.ofSeconds(30))).isZero();
        assertThat(first).noneMatch(t -> ProcessHandle.of(t.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertThat(first).noneMatch(t -> Files.exists(TASK_NETNS.resolve(t.id())));

        agent.start(TestAgents.START);
        // Their records said Running; the restarted worker finds no process and they are replaced.
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            List<TaskView> now = running("echo"); // one answer: between two, a task could end or start
            return now.size() == 2 && now.stream().noneMatch(t -> first.stream().anyMatch(f -> f.id().equals(t.id())));
        });
        assertThat(tasks("echo")).filteredOn(t -> first.stream().anyMatch(f -> f.id().equals(t.id())))
                .allMatch(t -> t.state().equals("Failed") && t.error().contains("gone when the agent restarted"));
    }

    @Test
    void taskRunsInItsOwnNetworkAndMountNamespaces() throws Exception {
        cli.ok("swarm", "init");
        cli.ok("service", "create", "--name", "probe", "--env", "COLOR=blue", "img", "sh", "-c",
                "echo color=$COLOR task=$TRELLIS_TASK_NAME; grep ' /run/secrets ' /proc/self/mounts;"
                        + " cat /proc/net/dev | tail -n +3 | cut -d: -f1; exec sleep 600");
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.ok("service", "logs", "probe").contains("tmpfs"));
        String logs = cli.ok("service", "logs", "probe");
        assertThat(logs).contains("color=blue task=probe.1");
        assertThat(logs).containsPattern("\\| tmpfs /run/secrets tmpfs");
        // Only loopback: the task has a network namespace of its own.
        assertThat(logs.lines().filter(l -> l.matches(".*\\|\\s+\\S+\\s*$")).map(l -> l.replaceAll(".*\\|", "").strip()))
                .containsExactly("lo");
        // ...and the host never sees the task's /run/secrets mount.
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(" /run/secrets ");
    }

    @Test
    void swarmInitMakesACaTokensAndThisManagersCertificate() throws Exception {
        cli.ok("swarm", "init", "--advertise-addr", "127.0.0.1");
        String worker = cli.ok("swarm", "join-token", "-q", "worker").strip();
        String manager = cli.ok("swarm", "join-token", "-q", "manager").strip();
        assertThat(worker).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}").isNotEqualTo(manager);
        // Both tokens pin the same CA: the one whose certificate this node holds.
        var ca = io.trellis.controlplane.pki.Pem.certificate(Files.readString(dataDir.resolve("certs/ca.crt")));
        assertThat(io.trellis.controlplane.pki.JoinToken.parse(worker).matches(ca)).isTrue();
        assertThat(io.trellis.controlplane.pki.JoinToken.parse(manager).matches(ca)).isTrue();
        var me = io.trellis.controlplane.pki.NodeIdentity.of(
                io.trellis.controlplane.pki.Pem.certificate(Files.readString(dataDir.resolve("certs/node.crt"))));
        assertThat(me.role()).isEqualTo(io.trellis.controlplane.pki.NodeRole.MANAGER);
        assertThat(cli.ok("node", "ls")).contains(me.nodeId());

        assertThat(cli.ok("swarm", "join-token", "worker"))
                .contains("To add a worker to this swarm").contains("trellis swarm join --token " + worker + " 127.0.0.1:2377");
        String rotated = cli.ok("swarm", "join-token", "--rotate", "-q", "worker").strip();
        assertThat(rotated).isNotEqualTo(worker);
        assertThat(cli.ok("swarm", "join-token", "-q", "worker").strip()).isEqualTo(rotated);
        assertThat(cli.ok("swarm", "join-token", "-q", "manager").strip()).isEqualTo(manager);
        // Tokens live in the replicated store: they survive a restart.
        TestAgents.terminate(agent, Duration.ofSeconds(30));
        agent.start(TestAgents.START);
        assertThat(cli.ok("swarm", "join-token", "-q", "worker").strip()).isEqualTo(rotated);
    }

    @Test
    void badInputIsOneLineExitOneAndChangesNothing() {
        assertThat(cli.run("service", "ls").exitCode()).isEqualTo(2); // not a manager yet
        cli.ok("swarm", "init");
        cli.ok("service", "create", "--name", "web", "img", "sleep", "600");
        String before = cli.ok("service", "ls", "--format", "json");

        // What only the agent can judge; bad flags and values are agent/cli's BadInputTest, with no agent.
        assertBad(cli.run("service", "create", "--name", "web", "img", "sleep", "1"), "already exists");
        assertBad(cli.run("service", "ps", "nope"), "service nope not found");
        assertBad(cli.run("service", "scale", "web=2", "nope=1"), "service nope not found");
        assertBad(cli.run("service", "rm", "nope"), "service nope not found");
        assertBad(cli.run("swarm", "init"), "already part of a swarm");

        assertThat(cli.ok("service", "ls", "--format", "json")).isEqualTo(before);
    }

    /** Files under the Raft directory whose bytes contain {@code text}. */
    private List<Path> grepRaftDir(String text) throws java.io.IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.walk(dataDir.resolve("raft"))) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    String hay = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    return hay.contains(new String(needle, StandardCharsets.ISO_8859_1));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static void assertBad(AgentCli.Result r, String mentions) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).contains(mentions).doesNotContain("\n").doesNotContain("Exception");
    }
}
