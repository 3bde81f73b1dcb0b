package io.trellis.daemon.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A started task, whoever started it (this agent, or a previous run of it that was adopted). */
public interface RunningTask {

    long pid();

    /**
     * Completes when the task's process ends, with its exit status, or {@link #EXIT_UNKNOWN} when
     * the process was adopted and its status cannot be known.
     */
    CompletableFuture<Integer> exit();

    /** Asks the task to stop (SIGTERM), then kills it (SIGKILL) after {@code grace}. Does not block. */
    void stop(Duration grace);

    int EXIT_UNKNOWN = Integer.MIN_VALUE;
}
