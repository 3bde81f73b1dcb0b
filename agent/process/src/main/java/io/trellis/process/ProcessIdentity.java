package io.trellis.process;

import java.time.Instant;
import java.util.Optional;

/**
 * A process named by PID plus start time. Trellis signals processes it started from later
 * invocations (the lab's agents, a restarted agent's tasks), and by then a PID alone could belong
 * to an unrelated process.
 */
public record ProcessIdentity(long pid, long startedAtMillis) {
    /** Start times come from /proc in clock ticks; two readings of one process differ by far less. */
    private static final long START_TIME_TOLERANCE_MILLIS = 1000;

    public static ProcessIdentity of(ProcessHandle h) {
        return new ProcessIdentity(h.pid(), h.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /** The process, if it still runs and is the one that was named. */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().startInstant()
                        .map(i -> Math.abs(i.toEpochMilli() - startedAtMillis) < START_TIME_TOLERANCE_MILLIS)
                        .orElse(false));
    }

    public boolean alive() {
        return handle().isPresent();
    }
}
