package io.trellis.daemon.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A task's PID 1 as the host sees it: the one child of the util-linux {@code unshare} that made the
 * task's PID namespace (the process the agent started and records). Signals for the task's
 * command go to it; the recorded parent only waits and passes the exit status on.
 */
final class TaskInit {
    private TaskInit() {
    }

    static Optional<ProcessHandle> of(ProcessHandle launcher) {
        return launcher.children().findFirst();
    }

    /**
     * Whether the sandbox around {@code init} is complete: its seccomp filter, the last step before
     * execve, is loaded. Before that its mounts may be half made, so nothing may join it yet.
     */
    static boolean sandboxed(ProcessHandle init) {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc", Long.toString(init.pid()), "status"))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("Seccomp:")) {
                    return line.substring("Seccomp:".length()).trim().equals("2");
                }
            }
        } catch (IOException e) {
            // gone
        }
        return false;
    }
}
