package io.trellis.daemon.runtime;

import io.trellis.daemon.tools.SystemTools;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.cgroup.Cgroups;
import io.trellis.daemon.secrets.NodeSecrets;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.daemon.volumes.LocalVolumes;
import io.trellis.ipvs.libc.LibCHolder;
import io.trellis.ipvs.libc.LinuxConstants;
import io.trellis.process.FileTree;
import io.trellis.process.SelfLauncher;
import io.trellis.process.TaskDirectory;
import io.trellis.process.sandbox.Native;
import io.trellis.process.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of sandboxed process tasks share: a {@link ProcessRuntime} with its own data, netns and volume
 * directories, every task it started removed afterwards. Skips with one line without root, util-linux or
 * libseccomp. The directories are under {@code target/}, not /tmp, which every task replaces with its own: only
 * the sandbox's hiding keeps the data directory out of a task.
 */
abstract class SandboxedRuntimeTest {
    static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> started = new ArrayList<>();
    Path run;
    Path dataDir;
    Path netnsDir;
    Cgroups cgroups;
    LocalVolumes volumes;
    ProcessRuntime runtime;

    @BeforeEach
    void startRuntime() throws IOException {
        Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
                "needs root to make namespaces, mounts and cgroups");
        for (String tool : List.of("nsenter", "unshare", "sh")) {
            try {
                SystemTools.system().resolve(tool);
            } catch (IllegalStateException e) {
                Assumptions.abort(e.getMessage());
            }
        }
        try {
            Native.seccomp();
        } catch (SandboxException e) {
            Assumptions.abort(e.getMessage());
        }
        String name = getClass().getSimpleName().toLowerCase(Locale.ROOT) + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        run = Files.createDirectories(Path.of("target", name).toAbsolutePath());
        dataDir = Files.createDirectories(run.resolve("data"));
        netnsDir = Files.createDirectories(run.resolve("netns"));
        cgroups = Cgroups.detect();
        volumes = LocalVolumes.under(dataDir);
        runtime = new ProcessRuntime(new TaskDirectory(dataDir.resolve("tasks")), netnsDir, "sandbox-test",
                SelfLauncher.current(), TaskNetworking.NONE, new SecretMounts(dataDir.resolve("secrets"),
                "trellis-secrets-sandboxtest", new NodeSecrets(), SystemTools.system()),
                SandboxSettings.of(dataDir, netnsDir, List.of(), cgroups), volumes);
    }

    @AfterEach
    void removeTasks() throws IOException {
        if (runtime == null) {
            return;
        }
        for (String id : started) {
            runtime.remove(id);
        }
        // NetworkNamespace made the pin directory a mount point of its own.
        LibCHolder.LIBC.umount2(netnsDir.toString(), LinuxConstants.MNT_DETACH);
        FileTree.delete(run);
    }

    /** Runs {@code script} with {@code sh -c} to its end, releases the task as the worker does, returns its output. */
    String runToEnd(ContainerSpec container, String script) throws Exception {
        Task task = task(container, "sh", "-c", script);
        RunningTask rt = runtime.start(task);
        rt.exit().get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        runtime.release(task.id());
        return Files.readString(dataDir.resolve("tasks").resolve(task.id()).resolve("output.log"));
    }

    /** A task of a new ID, removed after the test. */
    Task task(ContainerSpec container, String... command) {
        String id = "sbx" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        started.add(id);
        return new Task(id, "svc", "sandboxed", 1, "node", "img", List.of(command), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, 0, "scheduled"), 0, List.of(), container);
    }
}
