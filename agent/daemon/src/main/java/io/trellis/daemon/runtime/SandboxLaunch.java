package io.trellis.daemon.runtime;

import io.trellis.daemon.tools.SystemTools;
import io.trellis.process.SelfLauncher;
import io.trellis.process.sandbox.ClasspathView;
import io.trellis.process.sandbox.SandboxInit;
import io.trellis.process.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines that put a task, or an exec into it, in its sandbox. Three programs, each
 * exec'ing the next: {@code sh} writes its PID into the task's cgroup(s), so every process after it
 * is counted and killed with the task; util-linux makes or enters the namespaces (a JVM, being
 * multi-threaded, cannot); {@link SandboxInit} does the rest and execs
 * the command.
 */
final class SandboxLaunch {
    /** {@code $1} files follow; {@code $$} stays this PID through the execs. Bounded by the count. */
    static final String JOIN_CGROUPS = "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125;"
            + " n=$((n - 1)); shift; done; exec \"$@\"";

    private final SystemTools tools;
    private final SelfLauncher self;

    SandboxLaunch(SystemTools tools, SelfLauncher self) {
        this.tools = tools;
        this.self = self;
    }

    /**
     * A new task in network namespace {@code netns}: new PID (its command is PID 1, /proc is its
     * own), mount and IPC namespaces; if the util-linux parent dies, so does the task.
     */
    List<String> start(Path netns, List<Path> cgroupProcs, SandboxSpec spec) {
        List<String> argv = joinCgroups("trellis-task", cgroupProcs);
        argv.addAll(List.of(tools.resolve("nsenter").toString(), "--net=" + netns, "--",
                tools.resolve("unshare").toString(), "--pid", "--fork", "--kill-child", "--mount-proc", "--mount",
                "--ipc", "--propagation", "slave", "--"));
        argv.addAll(SandboxInit.command(self));
        argv.addAll(spec.toArgs());
        return argv;
    }

    /** A command in the running task whose PID 1 is {@code initPid} (as the host numbers it). */
    List<String> join(long initPid, List<Path> cgroupProcs, SandboxSpec spec) {
        List<String> argv = joinCgroups("trellis-exec", cgroupProcs);
        argv.addAll(List.of(tools.resolve("nsenter").toString(), "--target", Long.toString(initPid), "--net",
                "--mount", "--ipc", "--pid", "--"));
        // Inside the task's mounts the agent's jars are where the task sees them.
        argv.addAll(SandboxInit.command(ClasspathView.inside(self)));
        argv.addAll(spec.toArgs());
        return argv;
    }

    private List<String> joinCgroups(String name, List<Path> cgroupProcs) {
        List<String> argv = new ArrayList<>(List.of(tools.resolve("sh").toString(), "-c", JOIN_CGROUPS, name,
                Integer.toString(cgroupProcs.size())));
        cgroupProcs.forEach(p -> argv.add(p.toString()));
        return argv;
    }
}
