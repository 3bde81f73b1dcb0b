package io.trellis.daemon.runtime;

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
}
