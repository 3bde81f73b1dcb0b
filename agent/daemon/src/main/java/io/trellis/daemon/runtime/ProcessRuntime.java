package io.trellis.daemon.runtime;

import io.trellis.controlplane.store.Task;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.ipvs.link.InterfaceFlags;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.process.ProcessIdentity;
import io.trellis.process.SelfLauncher;
import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} runtime: each task's command runs as a plain process in its own network
 * namespace (pinned at {@code <netns-dir>/<task-id>} so the agent can add overlay endpoints to it)
 * and its own mount namespace with a private tmpfs on {@code /run/secrets}. Output goes to a file,
 * so the task outlives an agent crash and the restarted agent adopts it.
 */
public final class ProcessRuntime implements TaskRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /*
     * Runs inside the new mount namespace. Slave propagation: the task sees later unmounts made by the
     * agent (a deleted netns really goes away) but its own tmpfs never leaks back to the host.
     */
    /** {@code $1} is mkdir, {@code $2} mount, by absolute path; the task's command follows. */
    /**
     * {@code $3}, when not empty, is the task's resolv.conf (the embedded DNS), bound over
     * {@code /etc/resolv.conf} in the task's mount namespace only.
     */
    /*
     * $4, when not empty, is the task's secrets tmpfs (SecretMounts): bound read-only at /run/secrets,
     * then every task's secrets directory is covered with an empty tmpfs in this namespace, so the task
     * sees its own secrets only. Without secrets, /run/secrets is an empty private tmpfs as before.
     */
    private static final String TASK_INIT = "mkdir=$1 mount=$2 resolv=$3 secrets=$4; shift 4;"
            + " \"$mkdir\" -p /run/secrets"
            + " && if [ -z \"$secrets\" ]; then"
            + " \"$mount\" -t tmpfs -o size=64m,mode=0755,nosuid,nodev tmpfs /run/secrets;"
            + " else \"$mount\" --bind -o ro \"$secrets\" /run/secrets"
            + " && \"$mount\" -t tmpfs -o size=4k,mode=0700,nosuid,nodev,noexec tmpfs \"${secrets%/*}\"; fi"
            + " && { [ -z \"$resolv\" ] || \"$mount\" --bind \"$resolv\" /etc/resolv.conf; }"
            + " && exec \"$@\"";
    /** What a task on an overlay resolves with: the embedded DNS in its own namespace, as in Docker. */
    static final String RESOLV_CONF = "nameserver 127.0.0.11\noptions ndots:0\n";

    private final TaskDirectory dirs;
    private final Path netnsDir;
    private final String nodeHostname;
    private final SelfLauncher self;
    private final TaskNetworking networking;
    private final SecretMounts secrets;
    private final SystemTools tools = SystemTools.system();
    private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "task-killer");
        t.setDaemon(true);
        return t;
    });

    public ProcessRuntime(TaskDirectory dirs, Path netnsDir, String nodeHostname, SelfLauncher self,
                          TaskNetworking networking, SecretMounts secrets) {
        this.networking = networking;
        this.secrets = secrets;
        this.dirs = dirs;
        this.netnsDir = netnsDir;
        this.nodeHostname = nodeHostname;
        this.self = self;
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public RunningTask start(Task task) throws TaskStartException {
        if (task.command().isEmpty()) {
            throw new TaskStartException("the process runtime needs a command after the image"
                    + " (e.g. trellis service create --name web busybox trellis workload http --port 80)", null);
        }
        Path ns = netnsDir.resolve(task.id());
        try {
            dirs.create(task.id());
            Files.createDirectories(netnsDir);
            NetworkNamespace.delete(ns);
            NetworkNamespace created = NetworkNamespace.create(ns);
            created.call(() -> {
                InterfaceFlags.setUp("lo");
                return null;
            });
        } catch (Exception e) {
            release(task.id());
            throw new TaskStartException("preparing namespaces failed: " + e.getMessage(), e);
        }
        String resolv = "";
        try {
            networking.attach(task, ns);
            if (!task.networks().isEmpty()) {
                Path conf = dirs.dir(task.id()).resolve("resolv.conf");
                Files.writeString(conf, RESOLV_CONF);
                resolv = conf.toString();
            }
        } catch (IOException | RuntimeException e) {
            release(task.id());
            throw new TaskStartException("attaching networks failed: " + e.getMessage(), e);
        }
        String secretsDir;
        try {
            secretsDir = secrets.mount(task).map(Path::toString).orElse("");
        } catch (IOException | RuntimeException e) {
            release(task.id());
            throw new TaskStartException("mounting secrets failed: " + e.getMessage(), e);
        }
        List<String> argv;
        try {
            argv = new ArrayList<>(List.of(
                    tools.resolve("nsenter").toString(), "--net=" + ns, "--",
                    tools.resolve("unshare").toString(), "--mount", "--propagation", "slave", "--",
                    tools.resolve("sh").toString(), "-c", TASK_INIT, "trellis-task",
                    tools.resolve("mkdir").toString(), tools.resolve("mount").toString(), resolv, secretsDir));
        } catch (IllegalStateException missing) {
            release(task.id());
            throw new TaskStartException(missing.getMessage(), missing);
        }
        argv.addAll(self.resolve(task.command()));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(Path.of("/").toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dirs.outputLog(task.id()).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        environment(task, pb.environment());
        try {
            Process p = pb.start();
            ProcessIdentity id = ProcessIdentity.of(p.toHandle());
            dirs.writeProcess(task.id(), new TaskDirectory.ProcessRecord(id.pid(), id.startedAtMillis(), ns.toString()));
            return new Child(p);
        } catch (IOException e) {
            release(task.id());
            throw new TaskStartException("starting " + task.command().get(0) + " failed: " + e.getMessage(), e);
        }
    }

    private void environment(Task task, Map<String, String> env) {
        env.clear(); // like a container: nothing leaks from the agent's own environment
        env.put("PATH", PATH);
        env.put("HOME", "/root");
        env.put("HOSTNAME", nodeHostname);
        env.put("TRELLIS_TASK_ID", task.id());
        env.put("TRELLIS_TASK_NAME", task.name());
        env.put("TRELLIS_SERVICE_NAME", task.serviceName());
        env.put("TRELLIS_NODE_HOSTNAME", nodeHostname);
        for (String kv : task.env()) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
    }

    @Override
    public Process exec(String taskId, List<String> argv) throws TaskStartException {
        if (argv.isEmpty()) {
            throw new TaskStartException("no command given", null);
        }
        long pid = dirs.readProcess(taskId).flatMap(r -> r.identity().handle()).map(ProcessHandle::pid)
                .orElseThrow(() -> new TaskStartException("task " + taskId + " is not running on this node", null));
        try {
            List<String> cmd = new ArrayList<>(List.of(tools.resolve("nsenter").toString(), "--target",
                    Long.toString(pid), "--net", "--mount", "--"));
            cmd.addAll(self.resolve(argv));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile());
            pb.environment().clear();
            pb.environment().put("PATH", PATH);
            return pb.start();
        } catch (IOException | IllegalStateException e) {
            throw new TaskStartException("running " + argv.get(0) + " in task " + taskId + " failed: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public Optional<RunningTask> adopt(String taskId) {
        return dirs.readProcess(taskId).flatMap(r -> r.identity().handle()).map(Adopted::new);
    }

    @Override
    public void release(String taskId) {
        networking.detach(taskId);
        secrets.unmount(taskId);
        try {
            NetworkNamespace.delete(netnsDir.resolve(taskId));
            if (Files.isDirectory(dirs.dir(taskId))) {
                dirs.clearProcess(taskId);
            }
        } catch (IOException e) {
            LOG.warn("releasing task {} failed: {}", taskId, e.getMessage());
        }
    }

    @Override
    public void remove(String taskId) {
        release(taskId);
        try {
            dirs.delete(taskId);
        } catch (IOException e) {
            LOG.warn("removing task {} failed: {}", taskId, e.getMessage());
        }
    }

    /** An adopted task lost its interfaces with the previous agent's TAP descriptors: make them again. */
    @Override
    public void reconnect(Task task) throws TaskStartException {
        if (task.networks().isEmpty() || networking.attached(task.id())) {
            return;
        }
        try {
            networking.attach(task, netnsDir.resolve(task.id()));
        } catch (IOException | RuntimeException e) {
            throw new TaskStartException("re-attaching networks failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> localTasks() {
        return dirs.taskIds();
    }

    private void stop(ProcessHandle h, Duration grace) {
        h.destroy();
        killer.schedule(() -> {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A process this agent started: its exit status is known. */
    private final class Child implements RunningTask {
        private final Process process;
        private final CompletableFuture<Integer> exit;

        Child(Process process) {
            this.process = process;
            this.exit = process.onExit().thenApply(Process::exitValue);
        }

        public long pid() {
            return process.pid();
        }

        public CompletableFuture<Integer> exit() {
            return exit;
        }

        public void stop(Duration grace) {
            ProcessRuntime.this.stop(process.toHandle(), grace);
        }
    }

    /** A process a previous run of the agent started: it can be watched and stopped, not reaped. */
    private final class Adopted implements RunningTask {
        private final ProcessHandle handle;
        private final CompletableFuture<Integer> exit;

        Adopted(ProcessHandle handle) {
            this.handle = handle;
            this.exit = handle.onExit().thenApply(h -> EXIT_UNKNOWN);
        }

        public long pid() {
            return handle.pid();
        }

        public CompletableFuture<Integer> exit() {
            return exit;
        }

        public void stop(Duration grace) {
            ProcessRuntime.this.stop(handle, grace);
        }
    }
}
