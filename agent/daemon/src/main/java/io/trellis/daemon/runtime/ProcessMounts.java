package io.trellis.daemon.runtime;

import io.trellis.controlplane.store.Mount;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.volumes.LocalVolumes;
import io.trellis.process.sandbox.SandboxSpec;
import io.trellis.process.sandbox.SandboxUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A process task's {@code --mount}s as its sandbox makes them: a volume is this node's directory of that
 * name (made on first use, owned by the task's user), a bind mount the host path, which must exist (as
 * Docker, the task fails rather than binding an empty directory made for it) and must not show what the
 * sandbox hides (the agent's keys, other tasks' secrets), a tmpfs its own.
 */
final class ProcessMounts {
    private ProcessMounts() {
    }

    static List<SandboxSpec.TaskMount> of(Task task, SandboxUser user, LocalVolumes volumes, List<Path> hidden)
            throws TaskRuntime.TaskStartException {
        List<Mount> mounts = task.container().mounts();
        List<String> names = mounts.stream().filter(m -> m.type() == Mount.Type.VOLUME).map(Mount::source).toList();
        Map<String, Path> volumeDirs;
        try {
            if (!names.isEmpty() && volumes == null) {
                throw new TaskRuntime.TaskStartException("named volumes are not available on this node", null);
            }
            volumeDirs = names.isEmpty() ? Map.of() : volumes.acquire(task.id(), names, user.uid(), user.gid());
        } catch (IOException e) {
            throw new TaskRuntime.TaskStartException("preparing volumes failed: " + e.getMessage(), e);
        }
        List<SandboxSpec.TaskMount> out = new ArrayList<>();
        for (Mount m : mounts) {
            Path target = Path.of(m.target());
            switch (m.type()) {
                case VOLUME -> out.add(SandboxSpec.TaskMount.bind(volumeDirs.get(m.source()), target, m.readOnly()));
                case BIND -> {
                    Path source = Path.of(m.source());
                    if (!Files.exists(source)) {
                        // Docker's words for the same mistake.
                        throw new TaskRuntime.TaskStartException("invalid mount config for type \"bind\": bind source"
                                + " path does not exist: " + source, null);
                    }
                    checkNotHidden(source, hidden);
                    out.add(SandboxSpec.TaskMount.bind(source, target, m.readOnly()));
                }
                case TMPFS -> out.add(SandboxSpec.TaskMount.tmpfs(target, m.readOnly(), m.tmpfsSizeBytes()));
                default -> throw new IllegalStateException("unknown mount type " + m.type());
            }
        }
        return out;
    }

    /**
     * The source is bound before the hidden directories are covered, so a bind of one of them, or of a
     * directory holding one, would show it: refused, whatever the path's spelling (links resolved).
     */
    private static void checkNotHidden(Path source, List<Path> hidden) throws TaskRuntime.TaskStartException {
        Path real;
        try {
            real = source.toRealPath();
        } catch (IOException e) {
            throw new TaskRuntime.TaskStartException("bind source " + source + ": " + e.getMessage(), e);
        }
        for (Path h : hidden) {
            Path hiddenReal = h;
            try {
                hiddenReal = h.toRealPath();
            } catch (IOException e) {
                // absent: compared as written
            }
            if (real.startsWith(hiddenReal) || hiddenReal.startsWith(real)) {
                throw new TaskRuntime.TaskStartException("bind source " + source + " would show " + h
                        + ", which tasks may not see", null);
            }
        }
    }
}
