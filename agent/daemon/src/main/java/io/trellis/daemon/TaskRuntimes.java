package io.trellis.daemon;

import io.trellis.controlplane.store.Task;
import io.trellis.daemon.runtime.ProcessRuntime;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.daemon.runtime.docker.DockerRuntime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node's runtimes behind one {@link TaskRuntime}: a task runs where its spec says ({@code --runtime}),
 * or, when it names none, in Docker if the node's Engine holds its image, else as a sandboxed process.
 * Operations by task ID go to the runtime that holds the task; releasing asks both, which is harmless.
 */
public final class TaskRuntimes implements TaskRuntime {
    public static final String PROCESS = "process";
    public static final String DOCKER = "docker";

    private final ProcessRuntime process;
    private final DockerRuntime docker;

    public TaskRuntimes(ProcessRuntime process, DockerRuntime docker) {
        this.process = process;
        this.docker = docker;
    }

    @Override
    public String name() {
        return String.join(", ", available());
    }

    /** The runtimes this node can start tasks with now; each heartbeat tells the managers. */
    public List<String> available() {
        return docker != null && docker.unavailable().isEmpty() ? List.of(PROCESS, DOCKER) : List.of(PROCESS);
    }

    @Override
    public RunningTask start(Task task) throws TaskStartException {
        return pick(task).start(task);
    }

    private TaskRuntime pick(Task task) throws TaskStartException {
        String wanted = task.container().runtime();
        if (DOCKER.equals(wanted)) {
            if (docker == null) {
                throw new TaskStartException("the docker runtime is not enabled on this node", null);
            }
            Optional<String> down = docker.unavailable();
            if (down.isPresent()) {
                throw new TaskStartException(down.get(), null);
            }
            return docker;
        }
        if (wanted == null && docker != null && docker.unavailable().isEmpty() && docker.hasImage(task.image())) {
            return docker;
        }
        return process;
    }

    private TaskRuntime holder(String taskId) {
        return docker != null && docker.owns(taskId) ? docker : process;
    }

    @Override
    public Optional<RunningTask> adopt(String taskId) {
        Optional<RunningTask> container = docker == null ? Optional.empty() : docker.adopt(taskId);
        return container.isPresent() ? container : process.adopt(taskId);
    }

    @Override
    public void reconnect(Task task) throws TaskStartException {
        holder(task.id()).reconnect(task);
    }

    @Override
    public Process exec(String taskId, List<String> argv) throws TaskStartException {
        return holder(taskId).exec(taskId, argv);
    }

    @Override
    public void release(String taskId) {
        if (docker != null) {
            docker.release(taskId);
        }
        process.release(taskId);
    }

    @Override
    public void remove(String taskId) {
        if (docker != null) {
            docker.remove(taskId);
        }
        process.remove(taskId);
    }

    @Override
    public Set<String> localTasks() {
        Set<String> ids = new HashSet<>(process.localTasks());
        if (docker != null) {
            ids.addAll(docker.localTasks());
        }
        return ids;
    }
}
