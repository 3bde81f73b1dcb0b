package io.trellis.daemon.runtime;

import io.trellis.daemon.tools.SystemTools;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.cgroup.TaskCgroup;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.daemon.volumes.LocalVolumes;
import io.trellis.ipvs.link.InterfaceFlags;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.process.ProcessIdentity;
import io.trellis.process.SelfLauncher;
import io.trellis.process.TaskDirectory;
import io.trellis.process.sandbox.Capabilities;
import io.trellis.process.sandbox.ClasspathView;
import io.trellis.process.sandbox.Native;
import io.trellis.process.sandbox.SandboxException;
import io.trellis.process.sandbox.SandboxSpec;
import io.trellis.process.sandbox.SandboxUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * The {@code process} runtime: each task's command runs as a plain process in a sandbox of its own
 * (docs/executors.md): its own network namespace (pinned at {@code <netns-dir>/<task-id>} so the
 * agent can add overlay endpoints to it), PID, mount and IPC namespaces, a read-only view of the host
 * with the agent's directories hidden, its own cgroup, an unprivileged user, few capabilities,
 * no_new_privs and a seccomp filter. Output goes to a file, so the task outlives an agent crash and
 * the restarted agent adopts it.
 */
public final class ProcessRuntime implements TaskRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long SANDBOX_WAIT_MILLIS = 10_000;
    private static final long SANDBOX_POLL_MILLIS = 20;
    /** What a task on an overlay resolves with: the embedded DNS in its own namespace, as in Docker. */
    static final String RESOLV_CONF = "nameserver 127.0.0.11\noptions ndots:0\n";

    private final TaskDirectory dirs;
    private final Path netnsDir;
    private final String nodeHostname;
    private final SelfLauncher self;
    private final TaskNetworking networking;
    private final SecretMounts secrets;
    private final TaskTraces traces;
    private final SandboxSettings sandbox;
    private final LocalVolumes volumes;
    private final SystemTools tools = SystemTools.system();
    private final SandboxLaunch launch;
    private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "task-killer");
        t.setDaemon(true);
        return t;
    });

    /** Without volumes: a task that mounts one fails. */
    public ProcessRuntime(TaskDirectory dirs, Path netnsDir, String nodeHostname, SelfLauncher self,
                          TaskNetworking networking, SecretMounts secrets, SandboxSettings sandbox) {
        this(dirs, netnsDir, nodeHostname, self, networking, secrets, sandbox, null);
    }

    public ProcessRuntime(TaskDirectory dirs, Path netnsDir, String nodeHostname, SelfLauncher self,
                          TaskNetworking networking, SecretMounts secrets, SandboxSettings sandbox,
                          LocalVolumes volumes) {
        this.networking = networking;
        this.secrets = secrets;
        this.traces = new TaskTraces(dirs, netnsDir, networking, secrets);
        this.sandbox = sandbox;
        this.volumes = volumes;
        this.launch = new SandboxLaunch(tools, self);
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
        SandboxUser user;
        try {
            Native.seccomp(); // never start a task that would run without its filter
            user = SandboxUser.resolve(task.container().user(), SandboxUser.PASSWD);
        } catch (SandboxException e) {
            throw new TaskStartException(e.getMessage(), e);
        }
        Set<String> capabilities = Capabilities.kept(task.container().capAdd(), task.container().capDrop());
        Path ns = netnsDir.resolve(task.id());
        TaskCgroup cgroup;
        try {
            dirs.create(task.id());
            Files.createDirectories(netnsDir);
            NetworkNamespace.delete(ns);
            NetworkNamespace created = NetworkNamespace.create(ns);
            created.call(() -> {
                InterfaceFlags.setUp("lo");
                return null;
            });
            cgroup = sandbox.cgroups().create(task.id(), task.container().resources().limitNanoCpus(),
                    task.container().resources().limitMemoryBytes());
        } catch (Exception e) {
            release(task.id());
            throw new TaskStartException("preparing namespaces failed: " + e.getMessage(), e);
        }
        Path resolv = null;
        try {
            networking.attach(task, ns);
            if (!task.networks().isEmpty()) {
                resolv = dirs.dir(task.id()).resolve("resolv.conf");
                Files.writeString(resolv, RESOLV_CONF); // 0644 by umask: the task's user reads it
            }
        } catch (IOException | RuntimeException e) {
            release(task.id());
            throw new TaskStartException("attaching networks failed: " + e.getMessage(), e);
        }
        Path secretsDir;
        try {
            secretsDir = secrets.mount(task).orElse(null);
        } catch (IOException | RuntimeException e) {
            release(task.id());
            throw new TaskStartException("mounting secrets failed: " + e.getMessage(), e);
        }
        List<SandboxSpec.TaskMount> mounts;
        try {
            mounts = ProcessMounts.of(task, user, volumes, sandbox.hidden());
        } catch (TaskStartException e) {
            release(task.id());
            throw e;
        }
        Path taskDir = dirs.dir(task.id());
        List<String> argv;
        try {
            Path envFile = TaskEnvironment.write(taskDir, environment(task, user));
            TaskIdentity.of(user, capabilities).write(taskDir);
            // The secrets tmpfs lives under /run/trellis, which the sandbox hides: the task sees only its own.
            SandboxSpec spec = new SandboxSpec(false, user, capabilities, secretsDir, resolv, sandbox.hidden(),
                    ClasspathView.exposed(self), envFile, ClasspathView.inside(self).resolve(task.command()), mounts);
            argv = launch.start(ns, cgroup.procsFiles(), spec);
        } catch (IOException | IllegalStateException e) {
            release(task.id());
            throw new TaskStartException(e.getMessage(), e);
        }
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(Path.of("/").toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dirs.outputLog(task.id()).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // Only what the root-run launchers need: the task's own variables reach its command through a
        // file, never the environment of programs that run as root (LD_PRELOAD, JAVA_TOOL_OPTIONS).
        pb.environment().clear();
        pb.environment().put("PATH", PATH);
        try {
            Process p = pb.start();
            ProcessIdentity id = ProcessIdentity.of(p.toHandle());
            dirs.writeProcess(task.id(), new TaskDirectory.ProcessRecord(id.pid(), id.startedAtMillis(), ns.toString()));
            return new Child(p, task.id());
        } catch (IOException e) {
            release(task.id());
            throw new TaskStartException("starting " + task.command().get(0) + " failed: " + e.getMessage(), e);
        }
    }

    private Map<String, String> environment(Task task, SandboxUser user) {
        Map<String, String> env = new LinkedHashMap<>(); // like a container: nothing of the agent's own
        env.put("PATH", PATH);
        env.put("HOME", user.uid() == 0 ? "/root" : user.home());
        env.put("HOSTNAME", nodeHostname);
        env.put("TRELLIS_TASK_ID", task.id());
        env.put("TRELLIS_TASK_NAME", task.name());
        env.put("TRELLIS_SERVICE_NAME", task.serviceName());
        env.put("TRELLIS_NODE_HOSTNAME", nodeHostname);
        for (String kv : task.env()) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return env;
    }

    /**
     * The task's PID 1 once its sandbox is complete (filter loaded). A task is reported started when its
     * launcher runs, a quarter of a second before that: an exec or health check then waits for it rather than
     * failing, bounded by {@link #SANDBOX_WAIT_MILLIS}.
     */
    private static Optional<ProcessHandle> sandboxedInit(String taskId, ProcessHandle launcher)
            throws TaskStartException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SANDBOX_WAIT_MILLIS);
        while (launcher.isAlive()) {
            Optional<ProcessHandle> init = TaskInit.of(launcher);
            if (init.isPresent() && TaskInit.sandboxed(init.get())) {
                return init;
            }
            if (System.nanoTime() > deadline) {
                throw new TaskStartException("task " + taskId + " is still starting", null);
            }
            try {
                Thread.sleep(SANDBOX_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskStartException("interrupted while task " + taskId + " was starting", e);
            }
        }
        return Optional.empty();
    }

    @Override
    public Process exec(String taskId, List<String> argv) throws TaskStartException {
        if (argv.isEmpty()) {
            throw new TaskStartException("no command given", null);
        }
        TaskStartException notRunning = new TaskStartException("task " + taskId + " is not running on this node",
                null);
        ProcessHandle launcher = dirs.readProcess(taskId).flatMap(r -> r.identity().handle())
                .orElseThrow(() -> notRunning);
        ProcessHandle init = sandboxedInit(taskId, launcher).orElseThrow(() -> notRunning);
        TaskIdentity identity = TaskIdentity.read(dirs.dir(taskId)).orElseThrow(() -> notRunning);
        try {
            SandboxSpec spec = new SandboxSpec(true, identity.user(), Set.copyOf(identity.capabilities()), null,
                    null, List.of(), List.of(), null, ClasspathView.inside(self).resolve(argv));
            ProcessBuilder pb = new ProcessBuilder(launch.join(init.pid(), sandbox.cgroups().of(taskId).procsFiles(),
                    spec)).directory(Path.of("/").toFile());
            pb.environment().clear();
            pb.environment().put("PATH", PATH);
            pb.environment().put("HOME", identity.uid() == 0 ? "/root" : identity.home());
            pb.environment().put("TRELLIS_TASK_ID", taskId);
            return pb.start();
        } catch (IOException | IllegalStateException e) {
            throw new TaskStartException("running " + argv.get(0) + " in task " + taskId + " failed: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public Optional<RunningTask> adopt(String taskId) {
        return dirs.readProcess(taskId).flatMap(r -> r.identity().handle()).map(h -> new Adopted(h, taskId));
    }

    @Override
    public void release(String taskId) {
        if (volumes != null) {
            try {
                volumes.release(taskId);
            } catch (RuntimeException e) {
                LOG.warn("releasing the volumes of task {} failed: {}", taskId, e.getMessage());
            }
        }
        try {
            sandbox.cgroups().of(taskId).remove(); // kills a straggler first, if any
        } catch (IOException | RuntimeException e) {
            LOG.warn("removing the cgroup of task {} failed: {}", taskId, e.getMessage());
        }
        traces.release(taskId); // after the cgroup: its processes are gone before their interfaces
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
        networking.reattach(task, netnsDir.resolve(task.id()));
    }

    @Override
    public Set<String> localTasks() {
        return dirs.taskIds();
    }

    /**
     * SIGTERM to the task's command (its PID 1: the launcher in front of it passes no signals on),
     * then after {@code grace} SIGKILL to everything in its cgroup; without a cgroup, SIGKILL to its
     * PID 1 ends the whole PID namespace.
     */
    private void stop(ProcessHandle launcher, String taskId, Duration grace) {
        Optional<ProcessHandle> init = TaskInit.of(launcher);
        init.ifPresentOrElse(ProcessHandle::destroy, launcher::destroy);
        killer.schedule(() -> {
            if (launcher.isAlive()) {
                sandbox.cgroups().of(taskId).kill();
                init.ifPresent(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A process this agent started: its exit status is known. */
    private final class Child implements RunningTask {
        private final Process process;
        private final String taskId;
        private final CompletableFuture<Integer> exit;

        Child(Process process, String taskId) {
            this.process = process;
            this.taskId = taskId;
            this.exit = process.onExit().thenApply(Process::exitValue);
        }

        public long pid() {
            return process.pid();
        }

        public CompletableFuture<Integer> exit() {
            return exit;
        }

        public void stop(Duration grace) {
            ProcessRuntime.this.stop(process.toHandle(), taskId, grace);
        }
    }

    /** A process a previous run of the agent started: it can be watched and stopped, not reaped. */
    private final class Adopted implements RunningTask {
        private final ProcessHandle handle;
        private final String taskId;
        private final CompletableFuture<Integer> exit;

        Adopted(ProcessHandle handle, String taskId) {
            this.handle = handle;
            this.taskId = taskId;
            this.exit = handle.onExit().thenApply(h -> EXIT_UNKNOWN);
        }

        public long pid() {
            return handle.pid();
        }

        public CompletableFuture<Integer> exit() {
            return exit;
        }

        public void stop(Duration grace) {
            ProcessRuntime.this.stop(handle, taskId, grace);
        }
    }
}
