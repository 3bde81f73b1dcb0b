package io.trellis.daemon.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.WaitResponse;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.daemon.runtime.TaskNetworking;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.daemon.runtime.TaskTraces;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.process.ProcessIdentity;
import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} runtime: each task is a container of the node's Docker Engine, created with
 * {@code --network none}; its network namespace is pinned where the process runtime pins its own, so the
 * overlay attaches the task's interfaces, the embedded DNS and the routing mesh reach it the same way.
 * Containers carry the task's labels, which is how a restarted agent finds (adopts) them.
 */
public final class DockerRuntime implements TaskRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
    /** The embedded DNS, as for process tasks. */
    static final String RESOLV_CONF = "nameserver 127.0.0.11\noptions ndots:0\n";

    private final DockerEngine engine;
    private final TaskDirectory dirs;
    private final Path netnsDir;
    private final String nodeHostname;
    /** Labels every container; only containers of this node are adopted or removed (agents may share an Engine). */
    private final String nodeId;
    private final TaskNetworking networking;
    private final SecretMounts secrets;
    private final TaskTraces traces;
    private final Map<String, ContainerLogs> logs = new ConcurrentHashMap<>();

    public DockerRuntime(DockerEngine engine, String nodeId, TaskDirectory dirs, Path netnsDir, String nodeHostname,
                         TaskNetworking networking, SecretMounts secrets) {
        this.nodeId = nodeId;
        this.engine = engine;
        this.secrets = secrets;
        this.dirs = dirs;
        this.netnsDir = netnsDir;
        this.nodeHostname = nodeHostname;
        this.networking = networking;
        this.traces = new TaskTraces(dirs, netnsDir, networking, secrets);
    }

    @Override
    public String name() {
        return "docker";
    }

    /** Empty when the Engine answers; else why tasks of this runtime cannot run here. */
    public Optional<String> unavailable() {
        return engine.unavailable();
    }

    /** Whether the Engine holds an image of that name (the choice of runtime for tasks that name none). */
    public boolean hasImage(String image) {
        try {
            engine.client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            return false; // no Engine: the process runtime takes the task
        }
    }

    @Override
    public RunningTask start(Task task) throws TaskStartException {
        Optional<String> down = engine.unavailable();
        if (down.isPresent()) {
            throw new TaskStartException(down.get(), null);
        }
        DockerClient docker = engine.client();
        if (!hasImage(task.image())) {
            // No registry is assumed reachable: images come from `docker load` or `docker import`, as Docker says.
            throw new TaskStartException("No such image: " + task.image(), null);
        }
        String containerId = null;
        Path ns = netnsDir.resolve(task.id());
        try {
            dirs.create(task.id());
            removeContainersOf(task.id()); // a leftover of a crash between create and record
            CreateContainerCmd create = docker.createContainerCmd(task.image())
                    .withName("trellis-" + task.name().replace('.', '-') + "-" + Ids.shortId(task.id()))
                    .withEnv(environment(task))
                    .withLabels(labels(task))
                    .withHostConfig(hostConfig(task));
            if (!task.command().isEmpty()) {
                create = create.withCmd(task.command());
            }
            String user = task.container().user();
            if (user != null && !user.isBlank()) {
                create = create.withUser(user);
            }
            containerId = create.exec().getId();
            docker.startContainerCmd(containerId).exec();
            InspectContainerResponse started = docker.inspectContainerCmd(containerId).exec();
            Long pid = started.getState().getPidLong();
            if (pid == null || pid <= 0) {
                throw new TaskStartException("the container exited at once: "
                        + started.getState().getStatus() + ", exit code " + started.getState().getExitCodeLong(), null);
            }
            NetworkNamespace.delete(ns);
            NetworkNamespace.pinProcess(pid, ns);
            networking.attach(task, ns);
            Path log = dirs.outputLog(task.id());
            logs.put(task.id(), ContainerLogs.follow(docker, containerId, log, 0));
            ProcessIdentity id = ProcessHandle.of(pid).map(ProcessIdentity::of).orElse(new ProcessIdentity(pid, 0));
            dirs.writeProcess(task.id(), new TaskDirectory.ProcessRecord(pid, id.startedAtMillis(), ns.toString()));
            LOG.info("task {} runs in container {} (pid {})", task.name(), containerId.substring(0, 12), pid);
            return new Containerized(containerId, pid);
        } catch (TaskStartException e) {
            undo(task.id(), containerId);
            throw e;
        } catch (IOException | RuntimeException e) {
            undo(task.id(), containerId);
            throw new TaskStartException("starting the container failed: " + oneLine(e), e);
        }
    }

    private void undo(String taskId, String containerId) {
        release(taskId);
        if (containerId != null) {
            removeContainer(containerId);
        }
    }

    private List<String> environment(Task task) {
        List<String> env = new ArrayList<>(List.of("TRELLIS_TASK_ID=" + task.id(), "TRELLIS_TASK_NAME=" + task.name(),
                "TRELLIS_SERVICE_NAME=" + task.serviceName(), "TRELLIS_NODE_HOSTNAME=" + nodeHostname));
        env.addAll(task.env());
        return env;
    }

    private Map<String, String> labels(Task task) {
        // The user's first, ours over them: the manager refuses their keys, and adoption must never be fooled.
        Map<String, String> labels = new HashMap<>(task.container().labels());
        labels.put(ContainerLabels.NODE_ID, nodeId);
        labels.put(ContainerLabels.TASK_ID, task.id());
        labels.put(ContainerLabels.TASK_NAME, task.name());
        labels.put(ContainerLabels.SERVICE_ID, task.serviceId());
        labels.put(ContainerLabels.SERVICE_NAME, task.serviceName());
        labels.put(ContainerLabels.SWARM_SERVICE_NAME, task.serviceName());
        labels.put(ContainerLabels.SWARM_TASK_ID, task.id());
        return labels;
    }

    private HostConfig hostConfig(Task task) throws IOException {
        ContainerSpec c = task.container();
        List<Bind> binds = new ArrayList<>();
        if (!task.networks().isEmpty()) {
            Path conf = dirs.dir(task.id()).resolve("resolv.conf");
            Files.writeString(conf, RESOLV_CONF);
            binds.add(Bind.parse(conf + ":/etc/resolv.conf:ro"));
        }
        // The task's own tmpfs of secrets (never on disk), read-only, where Docker puts them.
        Optional<Path> secretFiles = secrets.mount(task);
        if (secretFiles.isPresent()) {
            binds.add(Bind.parse(secretFiles.get() + ":/run/secrets:ro"));
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withBinds(binds)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withInit(false);
        if (!c.mounts().isEmpty()) {
            host = host.withMounts(DockerMounts.of(c.mounts()));
        }
        if (!c.capAdd().isEmpty()) {
            host = host.withCapAdd(capabilities(c.capAdd()));
        }
        if (!c.capDrop().isEmpty()) {
            host = host.withCapDrop(capabilities(c.capDrop()));
        }
        if (c.resources().limitMemoryBytes() > 0) {
            host = host.withMemory(c.resources().limitMemoryBytes()).withMemorySwap(c.resources().limitMemoryBytes());
        }
        if (c.resources().limitNanoCpus() > 0) {
            host = host.withNanoCPUs(c.resources().limitNanoCpus());
        }
        return host;
    }

    private static Capability[] capabilities(List<String> names) {
        return names.stream().map(n -> n.toUpperCase(java.util.Locale.ROOT).replaceFirst("^CAP_", ""))
                .map(Capability::valueOf).toArray(Capability[]::new);
    }

    @Override
    public Optional<RunningTask> adopt(String taskId) {
        if (engine.unavailable().isPresent()) {
            return Optional.empty();
        }
        for (Container c : containersOf(taskId)) {
            if (!"running".equals(c.getState())) {
                continue;
            }
            InspectContainerResponse r = engine.client().inspectContainerCmd(c.getId()).exec();
            Long pid = r.getState().getPidLong();
            if (pid == null || pid <= 0) {
                continue;
            }
            try {
                Path log = dirs.outputLog(taskId);
                int since = Files.exists(log) ? (int) (Files.getLastModifiedTime(log).toMillis() / 1000) + 1 : 0;
                logs.put(taskId, ContainerLogs.follow(engine.client(), c.getId(), log, since));
            } catch (IOException e) {
                LOG.warn("task {}: its output is no longer captured: {}", taskId, e.getMessage());
            }
            return Optional.of(new Containerized(c.getId(), pid));
        }
        return Optional.empty();
    }

    @Override
    public void reconnect(Task task) throws TaskStartException {
        networking.reattach(task, netnsDir.resolve(task.id()));
    }

    /** {@code docker exec}: the Engine runs it with the container's user, capabilities and namespaces. */
    @Override
    public Process exec(String taskId, List<String> argv) throws TaskStartException {
        Container running = containersOf(taskId).stream().filter(c -> "running".equals(c.getState())).findFirst()
                .orElseThrow(() -> new TaskStartException("task " + taskId + " is not running on this node", null));
        List<String> cmd = new ArrayList<>();
        try {
            cmd.add(SystemTools.system().resolve("docker").toString());
        } catch (IllegalStateException e) {
            throw new TaskStartException("the docker command line is not installed: " + e.getMessage(), e);
        }
        cmd.addAll(List.of("exec", "-i", running.getId()));
        cmd.addAll(argv);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            return pb.start();
        } catch (IOException e) {
            throw new TaskStartException("docker exec failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(String taskId) {
        ContainerLogs l = logs.remove(taskId);
        if (l != null) {
            try {
                l.close();
            } catch (IOException ignored) {
                // the stream ended with the container
            }
        }
        traces.release(taskId);
    }

    @Override
    public void remove(String taskId) {
        release(taskId);
        removeContainersOf(taskId);
    }

    @Override
    public Set<String> localTasks() {
        Set<String> ids = new HashSet<>();
        if (engine.unavailable().isPresent()) {
            return ids;
        }
        for (Container c : engine.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.NODE_ID, nodeId)).exec()) {
            String id = c.getLabels().get(ContainerLabels.TASK_ID);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Whether this runtime holds a container of the task (running or not). */
    public boolean owns(String taskId) {
        return engine.unavailable().isEmpty() && !containersOf(taskId).isEmpty();
    }

    private List<Container> containersOf(String taskId) {
        try {
            return engine.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(ContainerLabels.TASK_ID, taskId, ContainerLabels.NODE_ID, nodeId)).exec();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private void removeContainersOf(String taskId) {
        for (Container c : containersOf(taskId)) {
            removeContainer(c.getId());
        }
    }

    private void removeContainer(String id) {
        try {
            engine.client().removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException gone) {
            // removed already
        } catch (RuntimeException e) {
            LOG.warn("removing container {} failed: {}", id, e.getMessage());
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A task's container: its exit from the Engine's wait, its stop through the Engine's stop. */
    private final class Containerized implements RunningTask {
        private final String containerId;
        private final long pid;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();

        Containerized(String containerId, long pid) {
            this.containerId = containerId;
            this.pid = pid;
            engine.client().waitContainerCmd(containerId).exec(new ResultCallback.Adapter<WaitResponse>() {
                @Override
                public void onNext(WaitResponse r) {
                    exit.complete(r.getStatusCode() == null ? EXIT_UNKNOWN : r.getStatusCode());
                }

                @Override
                public void onError(Throwable t) {
                    // The Engine went away: the container may live on, but this agent cannot watch it.
                    exit.complete(EXIT_UNKNOWN);
                }

                @Override
                public void onComplete() {
                    exit.complete(EXIT_UNKNOWN);
                }
            });
        }

        public long pid() {
            return pid;
        }

        public CompletableFuture<Integer> exit() {
            return exit;
        }

        public void stop(Duration grace) {
            CompletableFuture.runAsync(() -> {
                try {
                    engine.client().stopContainerCmd(containerId)
                            .withTimeout((int) Math.max(1, grace.toSeconds())).exec();
                } catch (NotFoundException gone) {
                    exit.complete(EXIT_UNKNOWN);
                } catch (RuntimeException e) {
                    LOG.warn("stopping container {} failed: {}", containerId, e.getMessage());
                }
            });
        }
    }
}
