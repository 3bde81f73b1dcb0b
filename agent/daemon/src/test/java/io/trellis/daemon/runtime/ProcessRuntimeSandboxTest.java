package io.trellis.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.cgroup.Cgroups;
import io.trellis.daemon.cgroup.TaskCgroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The process runtime's sandbox, driven directly (no cluster): what a task can and cannot reach,
 * that stopping it leaves nothing behind, its cgroup limits, and exec into it. Needs root,
 * util-linux and libseccomp; skipped with one line otherwise.
 */
class ProcessRuntimeSandboxTest extends SandboxedRuntimeTest {
    @Test
    void aTaskCannotReadTheAgentsKeysSeeItsProcessesOrLeaveItsSandbox() throws Exception {
        Path nodeKey = secret(dataDir.resolve("certs/node-key.pem"));
        Path dataKey = secret(dataDir.resolve("keys/data-key.sealed"));
        long agent = ProcessHandle.current().pid();
        // As uid 0, which owns those files: only the sandbox keeps them out.
        String out = runToEnd(new ContainerSpec(null, "0", null, null, null, null, null), """
                check() { if sh -c "$2" >/dev/null 2>&1; then echo "$1: allowed"; else echo "$1: denied"; fi; }
                check node-key "cat %s"
                check data-key "cat %s"
                check agent-environ "cat /proc/%d/environ"
                check agent-mem "head -c1 /proc/%d/mem"
                check agent-kill "kill -TERM %d"
                check mount "mount -t tmpfs none /mnt"
                check write-root "touch /sandbox-probe"
                check write-tmp "touch /tmp/probe"
                unshare -U true 2>&1 | sed 's/^/userns: /'
                unshare -m true 2>&1 | sed 's/^/mountns: /'
                echo "uid: $(id -u)"
                echo "pid: $$"
                """.formatted(nodeKey, dataKey, agent, agent, agent));

        assertThat(out).contains("node-key: denied", "data-key: denied", "agent-environ: denied", "agent-mem: denied",
                "agent-kill: denied", "mount: denied", "write-root: denied", "write-tmp: allowed", "uid: 0",
                "pid: 1");
        assertThat(out).contains("userns: unshare: unshare failed: Operation not permitted",
                "mountns: unshare: unshare failed: Operation not permitted");
        assertThat(Path.of("/sandbox-probe")).doesNotExist();
    }

    @Test
    void aTaskRunsAsNobodyByDefaultAndAsTheGivenUserOtherwise() throws Exception {
        String script = "echo \"ids: $(id -u):$(id -g)\"; grep -E '^(CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "
                + "/proc/self/status";
        String nobody = runToEnd(ContainerSpec.DEFAULT, script);
        String given = runToEnd(new ContainerSpec(null, "1234:2345", List.of("CAP_CHOWN"), null, null, null, null),
                script);

        assertThat(nobody).contains("ids: 65534:65534", "NoNewPrivs:\t1", "Seccomp:\t2")
                .containsPattern("CapEff:\\s+0000000000000400").containsPattern("CapBnd:\\s+0000000000000400")
                .containsPattern("CapAmb:\\s+0000000000000400");
        assertThat(given).contains("ids: 1234:2345").containsPattern("CapEff:\\s+0000000000000401");
    }

    @Test
    void anUnknownUserNameFailsTheStartWithOneLineAndTaskFilesAreRootOnly() throws Exception {
        assertThatThrownBy(() -> runtime.start(task(new ContainerSpec(null, "no-such-user-x", null, null, null, null,
                null), "true"))).isInstanceOf(TaskRuntime.TaskStartException.class)
                .hasMessage("unknown user no-such-user-x");

        Task task = task(ContainerSpec.DEFAULT, "true");
        runtime.start(task).exit().get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Path dir = dataDir.resolve("tasks").resolve(task.id());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("output.log"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("environment"))))
                .isEqualTo("rw-------");
    }

    @Test
    void stopKillsEveryProcessOfTheTaskAndRemovesItsCgroup() throws Exception {
        Assumptions.assumeTrue(cgroups.layout() != Cgroups.Layout.NONE, "no cgroups on this host");
        String marker = "sbx-marker-" + UUID.randomUUID();
        // PID 1 without a SIGTERM handler ignores it: the grace period ends with the cgroup killed.
        Task task = task(ContainerSpec.DEFAULT, "sh", "-c", "sh -c 'sleep 600; :' " + marker + " & sleep 600; :");
        RunningTask rt = runtime.start(task);
        TaskCgroup cg = cgroups.of(task.id());
        await().atMost(TASK_TIMEOUT).until(() -> !markerPids(marker).isEmpty());
        assertThat(cg.pids()).containsAll(markerPids(marker));

        rt.stop(Duration.ofMillis(500));
        rt.exit().get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        runtime.release(task.id());

        await().atMost(TASK_TIMEOUT).until(() -> markerPids(marker).isEmpty());
        assertThat(cg.directories()).isEmpty();
    }

    @Test
    void limitsAreInTheTasksCgroupAndExecRunsInsideTheSameSandbox() throws Exception {
        Assumptions.assumeTrue(cgroups.layout() != Cgroups.Layout.NONE, "no cgroups on this host");
        long memory = 96L << 20;
        Task task = task(new ContainerSpec(null, "1234:2345", null, null,
                new Resources(500_000_000L, memory, 0, 0), null, null), "sleep", "600");
        RunningTask rt = runtime.start(task);
        TaskCgroup cg = cgroups.of(task.id());
        assertThat(cg.directories().stream().map(d -> d.resolve(cgroups.layout() == Cgroups.Layout.UNIFIED
                ? "memory.max" : "memory.limit_in_bytes")).filter(Files::exists).map(ProcessRuntimeSandboxTest::read))
                .containsExactly(Long.toString(memory));
        ProcessHandle init = await().atMost(TASK_TIMEOUT).until(() -> TaskInit.of(ProcessHandle.of(rt.pid())
                .orElseThrow()).filter(TaskInit::sandboxed).orElse(null), h -> h != null);

        Process p = runtime.exec(task.id(), List.of("sh", "-c", "id -u; id -g; readlink /proc/self/ns/net"
                + " /proc/self/ns/pid /proc/self/ns/mnt; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status;"
                + " cat /proc/self/cgroup; touch /exec-probe 2>/dev/null || echo read-only"));
        assertThat(p.waitFor(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(out).startsWith("1234\n2345\n").contains("NoNewPrivs:\t1", "Seccomp:\t2", "read-only",
                "/trellis/" + task.id() + "\n").containsPattern("CapEff:\\s+0000000000000400");
        for (String ns : List.of("net", "pid", "mnt")) {
            assertThat(out).contains(Files.readSymbolicLink(Path.of("/proc", Long.toString(init.pid()), "ns", ns))
                    .toString());
        }
        rt.stop(Duration.ZERO);
        rt.exit().get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Path secret(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "secret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static List<Long> markerPids(String marker) {
        return ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> List.of(a).contains(marker))
                .orElse(false)).map(ProcessHandle::pid).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
