package io.trellis.daemon.node;

import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each task's output was written, for {@code service logs --timestamps}: tasks write straight to their
 * log file (so they outlive the agent), so the node looks at every log {@link #PERIOD_MILLIS} and records
 * (length, time) in {@code output.times} next to it whenever it grew. A line's time is that of the first
 * look that saw it whole: at most one period late, or the agent's start for output written while it was down.
 */
public final class OutputClock implements AutoCloseable {
    static final long PERIOD_MILLIS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(OutputClock.class);
    private static final int ENTRY = 16;

    private final TaskDirectory dirs;
    private final Clock clock;
    private final Map<String, Long> seen = new HashMap<>(); // task → log length last recorded; timer thread only
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "output-clock");
        t.setDaemon(true);
        return t;
    });

    public OutputClock(TaskDirectory dirs, Clock clock) {
        this.dirs = dirs;
        this.clock = clock;
    }

    public OutputClock start() {
        timer.scheduleWithFixedDelay(this::look, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at every task's log; public to tests through {@link #lookNow()}. */
    private void look() {
        try {
            lookNow();
        } catch (RuntimeException e) {
            LOG.warn("recording output times failed: {}", e.getMessage());
        }
    }

    void lookNow() {
        long now = clock.millis();
        seen.keySet().retainAll(dirs.taskIds());
        for (String id : dirs.taskIds()) {
            Path log = dirs.outputLog(id);
            try {
                long length = Files.exists(log) ? Files.size(log) : 0;
                Long last = seen.get(id);
                if (last == null) {
                    last = lastRecorded(times(log));
                }
                if (length > last) {
                    append(times(log), length, now);
                }
                seen.put(id, Math.max(length, last));
            } catch (IOException e) {
                seen.remove(id); // the task's folder went away under us
            }
        }
    }

    static Path times(Path log) {
        return log.resolveSibling("output.times");
    }

    private static void append(Path times, long length, long millis) throws IOException {
        try (FileChannel ch = FileChannel.open(times, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(ENTRY).putLong(length).putLong(millis).flip());
        }
    }

    private static long lastRecorded(Path times) throws IOException {
        if (!Files.exists(times)) {
            return 0;
        }
        try (RandomAccessFile f = new RandomAccessFile(times.toFile(), "r")) {
            long entries = f.length() / ENTRY;
            if (entries == 0) {
                return 0;
            }
            f.seek((entries - 1) * ENTRY);
            return f.readLong();
        }
    }

    /** A task's recorded times, to stamp its lines: {@link #at(long)} answers for a line ending at an offset. */
    public static final class Times {
        private final long[] lengths;
        private final long[] millis;

        private Times(long[] lengths, long[] millis) {
            this.lengths = lengths;
            this.millis = millis;
        }

        public static Times read(Path log) throws IOException {
            Path times = times(log);
            if (!Files.exists(times)) {
                return new Times(new long[0], new long[0]);
            }
            ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(times));
            int n = all.remaining() / ENTRY;
            long[] lengths = new long[n];
            long[] millis = new long[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = all.getLong();
                millis[i] = all.getLong();
            }
            return new Times(lengths, millis);
        }

        /** When the byte before {@code end} was first seen; -1 when no look saw it yet. */
        public long at(long end) {
            int i = Arrays.binarySearch(lengths, end);
            if (i < 0) {
                i = -i - 1;
            }
            return i < lengths.length ? millis[i] : -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
