package io.trellis.daemon.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.exception.NotFoundException;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Mount;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.daemon.runtime.TaskNetworking;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.daemon.secrets.NodeSecrets;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.process.TaskDirectory;
import io.trellis.testing.docker.DockerTestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --mount} in the docker runtime against the node's real Engine: a named volume outlives its container. */
class DockerRuntimeVolumesTest {
    @TempDir
    Path data;
    private String image;
    private DockerEngine engine;
    private DockerRuntime runtime;
    private TaskDirectory dirs;
    private Path netnsDir;
    private final String volume = "trellis-test-" + Long.toString(System.nanoTime(), 36);
    private final List<String> started = new ArrayList<>();

    @BeforeEach
    void engine() throws Exception {
        image = DockerTestImage.build();
        engine = new DockerEngine(DockerEngine.DEFAULT_SOCKET);
        dirs = new TaskDirectory(data.resolve("tasks"));
        netnsDir = data.resolve("netns");
        runtime = new DockerRuntime(engine, "volumetest-node", dirs, netnsDir, "node1", TaskNetworking.NONE, new SecretMounts(
                data.resolve("secrets"), "trellis-secrets-dockervolumetest", new NodeSecrets(),
                SystemTools.system()));
    }

    @AfterEach
    void clean() throws Exception {
        if (runtime == null) {
            return;
        }
        for (String id : started) {
            runtime.remove(id);
        }
        try {
            engine.client().removeVolumeCmd(volume).exec();
        } catch (NotFoundException e) {
            // the test failed before the Engine made it
        }
        engine.close();
        if (Files.isDirectory(netnsDir)) {
            // Pinning made the folder a shared mount point, as iproute2 does for /run/netns: undo it.
            new ProcessBuilder("umount", "-l", netnsDir.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNamedVolumeKeepsWhatOneContainerWroteForTheNextWhichMountsItReadOnlyBesideATmpfs() throws Exception {
        Task writer = task(List.of(Mount.volume(volume, "/data", false)),
                "echo hello > /data/greeting && echo wrote; exec sleep 600");
        RunningTask first = runtime.start(writer);
        awaitOutput(writer, "wrote");
        first.stop(Duration.ZERO);
        first.exit().get(20, TimeUnit.SECONDS);
        runtime.remove(writer.id());

        Task reader = task(List.of(new Mount(Mount.Type.VOLUME, volume, "/data", true, 0),
                Mount.tmpfs("/cache", 1L << 20)), """
                cat /data/greeting
                if touch /data/new 2>/dev/null; then echo "ro: allowed"; else echo "ro: denied"; fi
                grep ' /cache ' /proc/mounts
                echo done; exec sleep 600""");
        runtime.start(reader);
        String out = awaitOutput(reader, "done");

        assertThat(out).contains("hello\n", "ro: denied").containsPattern("tmpfs /cache tmpfs .*size=1024k");
        assertThat(engine.client().inspectVolumeCmd(volume).exec().getDriver()).isEqualTo("local");
    }

    @Test
    void aMissingBindSourceFailsTheTaskWithTheEnginesWords() {
        Path missing = data.resolve("no-such-dir");
        Task task = task(List.of(Mount.bind(missing.toString(), "/x", false)), "true");

        TaskRuntime.TaskStartException e = assertThrows(TaskRuntime.TaskStartException.class,
                () -> runtime.start(task));
        assertThat(e.getMessage()).contains("bind source path does not exist: " + missing).doesNotContain("\n");
    }

    private String awaitOutput(Task task, String marker) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dirs.outputLog(task.id()))
                ? Files.readString(dirs.outputLog(task.id())) : "", s -> s.contains(marker));
    }

    private Task task(List<Mount> mounts, String script) {
        String id = "dockervol" + Long.toString(System.nanoTime(), 36);
        started.add(id);
        return new Task(id, "svc1", "db", started.size(), "node1", image, List.of("sh", "-c", script), List.of(), 1,
                TaskState.RUNNING, TaskStatus.of(TaskState.ASSIGNED, 0, "assigned"), 0, List.of(),
                ContainerSpec.DEFAULT.withRuntime("docker").withMounts(mounts));
    }
}
