package io.trellis.lab;

import io.trellis.process.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lab node's agent process, named by PID plus start time: the lab signals it from later CLI
 * invocations, and a PID alone could by then belong to an unrelated process.
 */
public record AgentProcess(ProcessIdentity identity) {

    /** Starts {@code command} detached from this CLI, its output appended to {@code log}. */
    static AgentProcess launch(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new AgentProcess(ProcessIdentity.of(p.toHandle()));
    }

    /** The process, if it still runs and is the one that was launched. */
    Optional<ProcessHandle> handle() {
        return identity.handle();
    }

    long pid() {
        return identity.pid();
    }

    boolean alive() {
        return handle().isPresent();
    }

    /** Sends SIGTERM, or SIGKILL if {@code kill}; does nothing if the process is gone. */
    void signal(boolean kill) {
        handle().ifPresent(h -> {
            if (kill) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
    }

    /** Waits up to {@code timeout} for the process to end; true if it has. */
    boolean awaitExit(Duration timeout) {
        Optional<ProcessHandle> h = handle();
        if (h.isEmpty()) {
            return true;
        }
        try {
            h.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !h.get().isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then SIGKILL if it has not ended within {@code grace}; true if it took SIGKILL. */
    boolean stop(Duration grace) {
        signal(false);
        if (awaitExit(grace)) {
            return false;
        }
        signal(true);
        awaitExit(grace);
        return true;
    }
}
