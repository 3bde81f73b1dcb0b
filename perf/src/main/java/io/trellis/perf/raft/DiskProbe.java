package io.trellis.perf.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * How fast this disk makes an append durable: 4 KB appended then {@code force(false)} (fdatasync,
 * what Ratis's log worker does per flush), in a loop, in the directory the logs live in. It is the
 * ceiling for one-at-a-time synchronous writes, which wait for a flush on the leader and on a
 * follower in turn.
 */
final class DiskProbe {
    private static final int APPEND_BYTES = 4096;

    /** Appends-with-fsync per second and their latency in microseconds. */
    record Result(double fsyncsPerSecond, Histogram latencyMicros) {
    }

    private DiskProbe() {
    }

    static Result run(Path dir, Duration length) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
        Histogram latency = new Histogram(60_000_000L, 3);
        ByteBuffer block = ByteBuffer.allocateDirect(APPEND_BYTES);
        long count = 0;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (System.nanoTime() < end) {
                block.clear();
                long t = System.nanoTime();
                ch.write(block);
                ch.force(false);
                latency.recordValue(Math.min((System.nanoTime() - t) / 1_000, latency.getHighestTrackableValue()));
                count++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return new Result(count / ((System.nanoTime() - start) / 1e9), latency);
    }
}
