package io.trellis.daemon.runtime;

import io.trellis.daemon.cgroup.Cgroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the node's sandbox hides from every task and where task cgroups go.
 *
 * @param hidden  directories covered by an empty read-only tmpfs inside each task: the agent's data
 *                directory, its run directory (sockets, pinned namespaces) and {@code --sandbox-hide}
 * @param cgroups the host's cgroup layout
 */
public record SandboxSettings(List<Path> hidden, Cgroups cgroups) {
    /** The agent's sockets and pinned task namespaces, whatever its flags say. */
    public static final Path RUN_DIR = Path.of("/run/trellis");

    public SandboxSettings {
        hidden = List.copyOf(hidden);
    }

    /** The agent's own directories first, then the extra ones, each once, as absolute paths. */
    public static SandboxSettings of(Path dataDir, Path netnsDir, List<Path> extra, Cgroups cgroups) {
        LinkedHashSet<Path> all = new LinkedHashSet<>();
        List<Path> in = new ArrayList<>(List.of(dataDir, RUN_DIR, netnsDir));
        in.addAll(extra);
        for (Path p : in) {
            all.add(p.toAbsolutePath().normalize());
        }
        return new SandboxSettings(List.copyOf(all), cgroups);
    }
}
