package io.trellis.daemon.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.model.Container;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.TaskRuntimes;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.daemon.runtime.TaskNetworking;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.daemon.secrets.NodeSecrets;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.process.TaskDirectory;
import io.trellis.testing.docker.DockerTestImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker runtime against the node's real Engine: a task as a labelled container, and back. */
class DockerRuntimeTest {
    @TempDir
    Path data;
    private String image;
    private DockerEngine engine;
    private DockerRuntime runtime;
    private TaskDirectory dirs;
    private Path netnsDir;
    private SecretMounts secrets;
    private static final String NODE = "dockertest-node";
    private final String taskId = "dockertest" + Long.toString(System.nanoTime(), 36);

    @BeforeEach
    void engine() throws Exception {
        image = DockerTestImage.build();
        engine = new DockerEngine(DockerEngine.DEFAULT_SOCKET);
        dirs = new TaskDirectory(data.resolve("tasks"));
        netnsDir = data.resolve("netns");
        secrets = new SecretMounts(data.resolve("secrets"), "trellis-secrets-dockertest", new NodeSecrets(),
                SystemTools.system());
        runtime = new DockerRuntime(engine, NODE, dirs, netnsDir, "node1", TaskNetworking.NONE, secrets);
    }

    @AfterEach
    void clean() throws Exception {
        if (runtime != null) {
            runtime.remove(taskId);
        }
        if (engine != null) {
            engine.close();
        }
        if (netnsDir != null && Files.isDirectory(netnsDir)) {
            // Pinning made the folder a shared mount point, as iproute2 does for /run/netns: undo it.
            new ProcessBuilder("umount", "-l", netnsDir.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Task task(String img, String runtimeName, List<String> command) {
        ContainerSpec spec = ContainerSpec.DEFAULT.withRuntime(runtimeName).withLabels(Map.of("tier", "front"));
        return new Task(taskId, "svc1", "web", 1, "node1", img, command, List.of("GREETING=hello"), 1,
                TaskState.RUNNING, TaskStatus.of(TaskState.ASSIGNED, 0, "assigned"), 0, List.of(), spec);
    }

    @Test
    void aTaskRunsAsALabelledContainerWhoseOutputExecAndStopWork() throws Exception {
        RunningTask rt = runtime.start(task(image, "docker",
                List.of("sh", "-c", "echo $GREETING from $TRELLIS_TASK_NAME; exec sleep 600")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dirs.outputLog(taskId))
                && Files.readString(dirs.outputLog(taskId)).contains("hello from web.1"));

        List<Container> containers = engine.client().listContainersCmd()
                .withLabelFilter(Map.of(ContainerLabels.TASK_ID, taskId)).exec();
        assertThat(containers).hasSize(1);
        assertThat(containers.get(0).getLabels()).containsEntry(ContainerLabels.SERVICE_NAME, "web")
                .containsEntry(ContainerLabels.NODE_ID, NODE)
                .containsEntry(ContainerLabels.SWARM_TASK_ID, taskId)
                .containsEntry("tier", "front"); // --container-label, beside ours
        // The container's own network namespace, pinned where the overlay and the routing mesh look for it.
        assertThat(Files.readAttributes(netnsDir.resolve(taskId), "unix:ino"))
                .isEqualTo(Files.readAttributes(Path.of("/proc/" + rt.pid() + "/ns/net"), "unix:ino"));
        assertThat(runtime.localTasks()).contains(taskId);

        Process p = runtime.exec(taskId, List.of("sh", "-c", "echo inside $GREETING; exit 3"));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("inside hello\n");
        assertThat(p.exitValue()).isEqualTo(3);

        // Another node's agent on the same Engine neither counts nor adopts it.
        DockerRuntime other = new DockerRuntime(engine, "another-node", dirs, netnsDir, "node2", TaskNetworking.NONE,
                secrets);
        assertThat(other.localTasks()).doesNotContain(taskId);
        assertThat(other.adopt(taskId)).isEmpty();
        // A restarted agent finds the container by its labels.
        DockerRuntime again = new DockerRuntime(engine, NODE, dirs, netnsDir, "node1", TaskNetworking.NONE, secrets);
        assertThat(again.adopt(taskId)).hasValueSatisfying(a -> assertThat(a.pid()).isEqualTo(rt.pid()));

        rt.stop(Duration.ofSeconds(1));
        assertThat(rt.exit().get(20, TimeUnit.SECONDS)).isEqualTo(137); // sleep ignores SIGTERM as PID 1
        runtime.remove(taskId);
        assertThat(engine.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.TASK_ID, taskId)).exec()).isEmpty();
        assertThat(netnsDir.resolve(taskId)).doesNotExist();
    }

    @Test
    void aMissingImageFailsTheTaskWithDockersWords() {
        TaskRuntime.TaskStartException e = assertThrows(TaskRuntime.TaskStartException.class,
                () -> runtime.start(task("trellis-test/nosuch:404", "docker", List.of("true"))));
        assertThat(e.getMessage()).isEqualTo("No such image: trellis-test/nosuch:404");
    }

    @Test
    void withoutAnEngineDockerTasksFailWithTheReasonAndOthersRunAsProcesses() {
        DockerEngine none = new DockerEngine(data.resolve("no-docker.sock"));
        TaskRuntimes runtimes = new TaskRuntimes(null, new DockerRuntime(none, NODE, dirs, netnsDir, "node1",
                TaskNetworking.NONE, secrets));
        TaskRuntime.TaskStartException e = assertThrows(TaskRuntime.TaskStartException.class,
                () -> runtimes.start(task(image, "docker", List.of("true"))));
        assertThat(e.getMessage()).isEqualTo("no Docker daemon: " + data.resolve("no-docker.sock") + " does not exist");
        assertThat(runtimes.name()).isEqualTo("process");
        none.close();
    }
}
