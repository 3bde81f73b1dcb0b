package io.trellis.daemon.cgroup;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where this node puts each task's cgroup, by what the host mounts at {@code /sys/fs/cgroup}:
 * <ul>
 * <li>pure cgroup v2 ({@code cgroup.controllers} at the root): {@code /sys/fs/cgroup/trellis/<task>}
 * with cpu, memory and pids enabled, for membership, limits and {@code cgroup.kill};</li>
 * <li>hybrid (v1 controllers plus a controller-less v2 at {@code unified/}): membership and kill in
 * {@code unified/trellis/<task>}, limits in the v1 {@code memory} and {@code cpu} hierarchies, under
 * the agent's own cgroup there ({@code <agent's cgroup>/trellis/<task>}), so what bounds the
 * agent also bounds its tasks;</li>
 * <li>neither: no cgroup; stopping relies on the task's PID namespace and limits are refused.</li>
 * </ul>
 */
public final class Cgroups {
    public static final Path ROOT = Path.of("/sys/fs/cgroup");
    static final String GROUP = "trellis";

    public enum Layout { UNIFIED, HYBRID, NONE }

    private final Layout layout;
    private final Path membershipBase;
    /** v1 controller name → base directory of our task cgroups (hybrid only). */
    private final Map<String, Path> v1Bases;

    Cgroups(Layout layout, Path membershipBase, Map<String, Path> v1Bases) {
        this.layout = layout;
        this.membershipBase = membershipBase;
        this.v1Bases = Collections.unmodifiableMap(new LinkedHashMap<>(v1Bases)); // in order: memory, cpu
    }

    /** This host's layout, from {@link #ROOT} and {@code /proc/self/cgroup}. */
    public static Cgroups detect() {
        return detect(ROOT, Path.of("/proc/self/cgroup"));
    }

    static Cgroups detect(Path root, Path selfCgroup) {
        if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            return new Cgroups(Layout.UNIFIED, root.resolve(GROUP), Map.of());
        }
        Path unified = root.resolve("unified");
        if (Files.isRegularFile(unified.resolve("cgroup.procs"))) {
            Map<String, Path> v1 = new LinkedHashMap<>();
            Map<String, String> own = ownV1Paths(selfCgroup);
            for (String controller : List.of("memory", "cpu")) {
                Path mount = root.resolve(controller);
                if (Files.isRegularFile(mount.resolve("cgroup.procs"))) {
                    String path = own.getOrDefault(controller, "/");
                    v1.put(controller, mount.resolve(path.substring(1)).resolve(GROUP));
                }
            }
            return new Cgroups(Layout.HYBRID, unified.resolve(GROUP), v1);
        }
        return new Cgroups(Layout.NONE, null, Map.of());
    }

    /** {@code 4:memory:/some/path} lines: each v1 controller's path of this process. */
    private static Map<String, String> ownV1Paths(Path selfCgroup) {
        Map<String, String> out = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(selfCgroup)) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && !f[1].isEmpty()) {
                    for (String controller : f[1].split(",")) {
                        out.put(controller, f[2]);
                    }
                }
            }
        } catch (IOException e) {
            // Unknown: the hierarchy's root it is.
        }
        return out;
    }

    public Layout layout() {
        return layout;
    }

    /**
     * Makes the task's cgroup(s) and writes its limits (zero: none).
     *
     * @throws IOException one line; limits asked of a node without cgroups are refused
     */
    public TaskCgroup create(String taskId, long limitNanoCpus, long limitMemoryBytes) throws IOException {
        TaskCgroup cg = of(taskId);
        boolean limits = limitNanoCpus > 0 || limitMemoryBytes > 0;
        switch (layout) {
            case NONE -> {
                if (limits) {
                    throw new IOException("CPU and memory limits need cgroups, and this node has none usable under "
                            + ROOT);
                }
            }
            case UNIFIED -> {
                Files.createDirectories(membershipBase);
                enableControllers(membershipBase.getParent());
                enableControllers(membershipBase);
                Files.createDirectories(cg.membership());
                if (limitNanoCpus > 0) {
                    TaskCgroup.write(cg.membership().resolve("cpu.max"), CpuQuota.micros(limitNanoCpus) + " "
                            + CpuQuota.PERIOD_MICROS);
                }
                if (limitMemoryBytes > 0) {
                    TaskCgroup.write(cg.membership().resolve("memory.max"), Long.toString(limitMemoryBytes));
                    Path swap = cg.membership().resolve("memory.swap.max");
                    if (Files.exists(swap)) {
                        TaskCgroup.write(swap, "0");
                    }
                }
            }
            case HYBRID -> {
                Files.createDirectories(cg.membership());
                if (limitNanoCpus > 0) {
                    Path cpu = limitDir(cg, "cpu");
                    TaskCgroup.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CpuQuota.PERIOD_MICROS));
                    TaskCgroup.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(CpuQuota.micros(limitNanoCpus)));
                }
                if (limitMemoryBytes > 0) {
                    Path memory = limitDir(cg, "memory");
                    TaskCgroup.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limitMemoryBytes));
                    Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
                    if (Files.exists(memsw)) {
                        TaskCgroup.write(memsw, Long.toString(limitMemoryBytes)); // no swap beyond the limit
                    }
                }
            }
        }
        return cg;
    }

    /** The task's cgroup(s), whether or not they exist (after an agent restart: to stop and remove them). */
    public TaskCgroup of(String taskId) {
        if (!taskId.matches("[a-z0-9]{1,64}")) {
            throw new IllegalArgumentException("bad task id " + taskId);
        }
        List<Path> limits = new ArrayList<>();
        v1Bases.values().forEach(base -> limits.add(base.resolve(taskId)));
        return new TaskCgroup(membershipBase == null ? null : membershipBase.resolve(taskId), limits);
    }

    /** The v1 directory of {@code controller} for the task, created; refused when the host lacks it. */
    private Path limitDir(TaskCgroup cg, String controller) throws IOException {
        Path base = Optional.ofNullable(v1Bases.get(controller)).orElseThrow(() -> new IOException(
                "this node has no cgroup v1 " + controller + " controller for the task's limit"));
        return Files.createDirectories(base.resolve(cg.membership().getFileName()));
    }

    /** {@code +cpu +memory +pids} in {@code dir}'s subtree_control, as far as the parent offers them. */
    private static void enableControllers(Path dir) throws IOException {
        String offered = Files.readString(dir.resolve("cgroup.controllers")).trim();
        StringBuilder want = new StringBuilder();
        for (String c : List.of("cpu", "memory", "pids")) {
            if ((" " + offered + " ").contains(" " + c + " ")) {
                want.append(want.length() == 0 ? "" : " ").append('+').append(c);
            }
        }
        if (want.length() > 0) {
            TaskCgroup.write(dir.resolve("cgroup.subtree_control"), want.toString());
        }
    }
}
