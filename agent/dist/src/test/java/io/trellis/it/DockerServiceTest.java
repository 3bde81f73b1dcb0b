package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.dockerjava.api.DockerClient;
import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import io.trellis.testing.docker.DockerTestImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * A service on the docker runtime through a real agent: its task is a labelled container with the
 * service's secret at /run/secrets, its output in {@code service logs}, and nothing of it left after
 * {@code service rm}; an image the Engine lacks fails the task with Docker's words.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerServiceTest {
    private AgentProcess agent;
    private AgentCli cli;
    private DockerClient docker;

    /** One agent for the class: each test removes what it made (starting an agent and its swarm takes seconds). */
    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        TestAgents.assumeTaskNamespaces();
        DockerTestImage.build();
        docker = DockerClientFactory.instance().client();
        agent = TestAgents.start(dir.resolve("agent"));
        cli = TestAgents.cli(agent);
        cli.ok("swarm", "init");
    }

    @AfterEach
    void removeServices() {
        if (agent != null && agent.isAlive()) {
            // One at a time: an unknown name would reject the whole removal and leave containers behind.
            cli.run("service", "rm", "box");
            cli.run("service", "rm", "nosuch");
            cli.run("secret", "rm", "pw");
            await().atMost(Duration.ofSeconds(30)).until(() -> containers().isEmpty());
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (agent != null && agent.isAlive()) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }

    private List<TaskView> tasks(String service) {
        return Json.read(cli.ok("service", "ps", service, "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    /** This agent's containers of the service: other agents on the Engine (other runs) have their own. */
    private List<com.github.dockerjava.api.model.Container> containers() {
        String nodeId = Json.read(cli.ok("node", "inspect", "self").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<NodeView>>() { }).get(0).id();
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("com.docker.swarm.service.name", "box", "io.trellis.node.id", nodeId)).exec();
    }

    @Test
    void aDockerTaskGetsItsSecretItsLogsAndLeavesNothingBehind() throws Exception {
        // The node's heartbeats say its Engine answers: the scheduler may place docker tasks on it.
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.ok("node", "inspect", "--pretty", "self")
                .matches("(?s).*Runtimes:\\s+process, docker\n.*"));
        cli.runWithInput("docker-secret-value", "secret", "create", "pw", "-");
        cli.ok("service", "create", "-d", "--name", "box", "--runtime", "docker", "--secret", "pw",
                DockerTestImage.NAME, "sh", "-c", "echo started as $(id -u) in $TRELLIS_TASK_NAME; exec sleep 600");
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("box").stream()
                .anyMatch(t -> t.state().equals("Running")));
        assertThat(containers()).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.ok("service", "logs", "box")
                .contains("started as 0 in box.1"));

        // What the Done-when of the executors work asks, on the docker runtime: the secret is there, read-only.
        AgentCli.Result secret = TestAgents.exec(agent, null, "box.1", "--", "cat", "/run/secrets/pw");
        assertThat(secret.out()).isEqualTo("docker-secret-value");
        AgentCli.Result write = TestAgents.exec(agent, null, "box.1", "--", "sh", "-c", "echo x > /run/secrets/pw");
        assertThat(write.exitCode()).isNotZero();

        cli.ok("service", "rm", "box");
        await().atMost(Duration.ofSeconds(30)).until(() -> containers().isEmpty());
    }

    @Test
    void anImageTheEngineLacksFailsTheTaskWithDockersWords() {
        cli.ok("service", "create", "-d", "--name", "nosuch", "--runtime", "docker", "trellis-test/nosuch:404", "true");
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("nosuch").stream()
                .anyMatch(t -> t.error().equals("No such image: trellis-test/nosuch:404")));
        assertThat(cli.run("service", "create", "--name", "bad", "--runtime", "vm", "img", "true").err())
                .isEqualTo("error: invalid --runtime \"vm\": use process or docker\n");
    }
}
