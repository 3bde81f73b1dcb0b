package io.trellis.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Mount;
import io.trellis.controlplane.store.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --mount} in the process runtime's sandbox, driven directly (no cluster): a named volume's data
 * outlives its task, read-only mounts refuse writes, tmpfs and bind mounts, and {@code volume rm} waits
 * for the volume's tasks. Needs root, util-linux and libseccomp; skipped with one line otherwise.
 */
class ProcessRuntimeVolumesTest extends SandboxedRuntimeTest {
    @Test
    void aVolumeKeepsWhatOneTaskWroteForTheNextAndLivesUnderTheDataDir() throws Exception {
        // In the task's own /tmp: a path under this checkout may sit below a directory nobody cannot enter
        // (a clone in a 0700 temporary directory), which would keep the task's user from its own volume.
        String target = "/tmp/db";
        Mount data = Mount.volume("data", target, false);

        // As nobody (the default): the volume's directory was made for the task's user.
        String first = runToEnd(ContainerSpec.DEFAULT.withMounts(List.of(data)), """
                echo "written by $(id -u)" > %1$s/greeting && echo wrote
                ls %2$s 2>&1 | head -1 | sed 's/^/data dir: /'
                grep -c ' /run/trellis/mounts' /proc/self/mountinfo | sed 's/^/staged: /'
                """.formatted(target, dataDir));
        String second = runToEnd(ContainerSpec.DEFAULT.withMounts(List.of(data)), "cat " + target + "/greeting");

        assertThat(first).contains("wrote", "staged: 0").doesNotContain("data dir: tasks", "data dir: volumes");
        assertThat(second).isEqualTo("written by 65534\n");
        Path host = dataDir.resolve("volumes/data/_data");
        assertThat(volumes.dataDir("data")).isEqualTo(host);
        assertThat(host.resolve("greeting")).hasContent("written by 65534");
        assertThat(Files.getAttribute(host, "unix:uid")).isEqualTo(65534);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(host))).isEqualTo("rwxr-xr-x");
        assertThat(volumes.list()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("data");
            assertThat(v.usedBy()).isEmpty(); // both tasks ended
        });
    }

    @Test
    void readOnlyMountsRefuseWritesTmpfsIsPrivateAndSizedAndABindShowsTheHostPath() throws Exception {
        Path site = Files.createDirectories(run.resolve("site"));
        Files.writeString(site.resolve("index.html"), "hello");
        runToEnd(ContainerSpec.DEFAULT.withMounts(List.of(Mount.volume("cfg", "/tmp/cfg", false))),
                "echo v1 > /tmp/cfg/version");

        String out = runToEnd(ContainerSpec.DEFAULT.withMounts(List.of(
                new Mount(Mount.Type.VOLUME, "cfg", "/tmp/cfg", true, 0),
                Mount.bind(site.toString(), "/tmp/www", true),
                Mount.tmpfs("/tmp/cache", 1L << 20))), """
                cat /tmp/cfg/version
                if echo x > /tmp/cfg/version 2>/dev/null; then echo "volume-ro: allowed"; else echo "volume-ro: denied"; fi
                cat /tmp/www/index.html; echo
                if touch /tmp/www/new 2>/dev/null; then echo "bind-ro: allowed"; else echo "bind-ro: denied"; fi
                if echo x > /tmp/cache/f; then echo "tmpfs: writable"; fi
                grep ' /tmp/cache ' /proc/self/mountinfo
                """);

        assertThat(out).contains("v1\n", "volume-ro: denied", "hello\n", "bind-ro: denied", "tmpfs: writable")
                .containsPattern("/tmp/cache .* - tmpfs tmpfs .*size=1024k");
        assertThat(site.resolve("new")).doesNotExist();
        assertThat(dataDir.resolve("volumes/cfg/_data/version")).hasContent("v1");
    }

    @Test
    void aMissingBindSourceOrOneThatWouldShowAHiddenDirectoryFailsTheStartWithOneLine() {
        Path missing = run.resolve("no-such-dir");
        Task task = task(ContainerSpec.DEFAULT.withMounts(List.of(Mount.bind(missing.toString(), "/x", false))),
                "true");
        assertThatThrownBy(() -> runtime.start(task)).isInstanceOf(TaskRuntime.TaskStartException.class)
                .hasMessage("invalid mount config for type \"bind\": bind source path does not exist: " + missing);

        // The data dir itself, a directory inside it, or one holding it: each would bypass its hiding.
        for (Path source : List.of(dataDir, dataDir.resolve("tasks"), run)) {
            Task exposing = task(ContainerSpec.DEFAULT.withMounts(List.of(Mount.bind(source.toString(), "/tmp/x",
                    true))), "true");
            assertThatThrownBy(() -> runtime.start(exposing)).isInstanceOf(TaskRuntime.TaskStartException.class)
                    .hasMessage("bind source " + source + " would show " + dataDir + ", which tasks may not see");
        }
    }

    @Test
    void missingTargetsAreMadeInTheTasksOwnRootAndNeverOnTheHost() throws Exception {
        String unique = "trellis-scaffold-" + Long.toString(System.nanoTime(), 36);
        Path top = Path.of("/" + unique);
        Path deep = Path.of("/usr/share/" + unique);
        Path conf = Path.of("/etc/" + unique + ".conf");
        Files.writeString(run.resolve("conf"), "conf-ok");
        String sibling;
        try (var entries = Files.list(Path.of("/usr/share"))) {
            sibling = entries.map(e -> e.getFileName().toString()).sorted().findFirst().orElseThrow();
        }

        String out = runToEnd(ContainerSpec.DEFAULT.withMounts(List.of(Mount.tmpfs(top + "/data", 0),
                Mount.volume("deep", deep + "/data", false), Mount.bind(run.resolve("conf").toString(),
                        conf.toString(), true))), """
                echo top > %1$s/data/f && cat %1$s/data/f
                echo deep > %2$s/data/f && cat %2$s/data/f
                cat %3$s; echo
                test -e /usr/share/%4$s && echo sibling-seen
                test -r /etc/passwd && echo etc-seen
                if mkdir /%5$s-more 2>/dev/null; then echo root-writable; else echo root-read-only; fi
                if mkdir /usr/share/%5$s-more 2>/dev/null; then echo share-writable; else echo share-read-only; fi
                """.formatted(top, deep, conf, sibling, unique));

        assertThat(out).contains("top\n", "deep\n", "conf-ok\n", "sibling-seen\n", "etc-seen\n",
                "root-read-only\n", "share-read-only\n");
        assertThat(top).doesNotExist();
        assertThat(deep).doesNotExist();
        assertThat(conf).doesNotExist();
        assertThat(dataDir.resolve("volumes/deep/_data/f")).hasContent("deep");

        // trellis exec joins the task's mount namespace, so it sees the task's root too.
        Task sleeper = task(ContainerSpec.DEFAULT.withMounts(List.of(Mount.tmpfs(top + "/data", 0))),
                "sleep", "600");
        RunningTask rt = runtime.start(sleeper);
        Process p = runtime.exec(sleeper.id(), List.of("sh", "-c", "echo exec > " + top + "/data/f && cat " + top
                + "/data/f"));
        assertThat(p.waitFor(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("exec\n");
        rt.stop(Duration.ZERO);
        rt.exit().get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(top).doesNotExist();
    }

    @Test
    void aVolumeARunningTaskUsesIsNotRemovedAndIsOnceTheTaskEnded() throws Exception {
        Task task = task(ContainerSpec.DEFAULT.withMounts(List.of(Mount.volume("busy", "/tmp/busy", false))),
                "sleep", "600");
        RunningTask rt = runtime.start(task);
        await().atMost(TASK_TIMEOUT).until(() -> Files.isDirectory(volumes.dataDir("busy")));

        assertThat(volumes.list()).singleElement().satisfies(v -> assertThat(v.usedBy()).containsExactly(task.id()));
        assertThatThrownBy(() -> volumes.remove(List.of("busy"))).isInstanceOf(ApiException.class)
                .hasMessage("volume busy is in use by task(s) " + task.id());
        assertThatThrownBy(() -> volumes.remove(List.of("nope"))).hasMessage("no such volume: nope");

        rt.stop(Duration.ZERO);
        rt.exit().get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        runtime.release(task.id());
        assertThat(volumes.remove(List.of("busy"))).containsExactly("busy");
        assertThat(dataDir.resolve("volumes/busy")).doesNotExist();
        assertThat(volumes.list()).isEmpty();
    }
}
