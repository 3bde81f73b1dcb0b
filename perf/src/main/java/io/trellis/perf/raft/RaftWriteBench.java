package io.trellis.perf.raft;

import io.trellis.daemon.ControlPlane;
import io.trellis.process.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Raft write throughput of the cluster store with three managers in one JVM (see
 * {@link ManagerGroup}): one-at-a-time synchronous writes, pipelined single-op writes, and batches
 * of N ops per log entry, through the leader and through a follower (forwarded over mTLS). Run by
 * {@code perf/bench-raft.sh}; prints one table in Markdown.
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar io.trellis.perf.raft.RaftWriteBench
 *     [--dir DIR] [--seconds 10] [--warmup 3] [--in-flight 64] [--batches 16,64]
 * </pre>
 */
public final class RaftWriteBench {

    private static final int JIT_WARMUP_SECONDS = 8;
    /** The CPU the three managers burn with nothing to do: what every row pays on top of its writes. */
    private static final int IDLE_SECONDS = 5;

    private RaftWriteBench() {
    }

    /** Options; every default is visible here. */
    record Options(Path dir, int seconds, int warmup, int inFlight, List<Integer> batches) {
        static Options parse(String[] args) {
            Path dir = Path.of("perf/target/raft-bench");
            int seconds = 10;
            int warmup = 3;
            int inFlight = 64;
            List<Integer> batches = List.of(16, 64);
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--dir" -> dir = Path.of(require(args[i], value));
                    case "--seconds" -> seconds = positive(args[i], value);
                    case "--warmup" -> warmup = positive(args[i], value);
                    case "--in-flight" -> inFlight = positive(args[i], value);
                    case "--batches" -> batches = Arrays.stream(require(args[i], value).split(","))
                            .map(v -> positive("--batches", v)).toList();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + ": allowed are --dir, --seconds, --warmup, --in-flight, --batches");
                }
                i++;
            }
            return new Options(dir, seconds, warmup, inFlight, batches);
        }

        private static String require(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return value;
        }

        private static int positive(String name, String value) {
            try {
                int n = Integer.parseInt(require(name, value));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a whole number above 0, got \"" + value + "\"");
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("raft-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(run(o));
        // Ratis and gRPC leave non-daemon threads behind after close; the run is over.
        System.exit(0);
    }

    static String run(Options o) throws IOException, InterruptedException {
        Path dir = o.dir().toAbsolutePath();
        FileTree.delete(dir);
        Files.createDirectories(dir);
        StringBuilder out = new StringBuilder();
        DiskProbe.Result disk = DiskProbe.run(dir, Duration.ofSeconds(3));
        out.append(String.format(Locale.ROOT, "disk: 4 KB append + fdatasync in %s: %.0f/s, p50 %.2f ms, p99 %.2f ms%n",
                dir, disk.fsyncsPerSecond(), ms(disk.latencyMicros(), 50), ms(disk.latencyMicros(), 99)));

        // Sync rows come last in each group: at ~100 entries/s they warm nothing, and on a busy host
        // the JIT is still compiling after the warm-up, which a sync row would pay for.
        int largest = o.batches().stream().mapToInt(Integer::intValue).max().orElse(1);
        List<WriteLoad.Mode> modes = new ArrayList<>();
        modes.add(new WriteLoad.Mode("pipelined", 1, o.inFlight(), false));
        for (int n : o.batches()) {
            modes.add(new WriteLoad.Mode("batched", n, o.inFlight(), false));
        }
        modes.add(new WriteLoad.Mode("sync", 1, 1, false));
        modes.add(new WriteLoad.Mode("pipelined", 1, o.inFlight(), true));
        modes.add(new WriteLoad.Mode("batched", largest, o.inFlight(), true));
        modes.add(new WriteLoad.Mode("sync", 1, 1, true));

        List<WriteLoad.Result> results = new ArrayList<>();
        try (ManagerGroup group = ManagerGroup.start(dir, 3)) {
            out.append("managers: ").append(group.members()).append(" Raft voters on 127.0.0.1, gRPC + mutual TLS, "
                    + "entries sealed (EncryptedLog), Ratis log fsync'd in ").append(dir).append('\n');
            out.append(String.format(Locale.ROOT, "idle (group up, no writes, %d s): %.2f cores of CPU in this JVM%n",
                    IDLE_SECONDS, WriteLoad.idleCores(Duration.ofSeconds(IDLE_SECONDS))));
            // Unrecorded: every code path (TLS, gRPC, Ratis, sealing, JSON) through the JIT before the
            // first row, or the first row (sync, ~1 entry per few ms) would be measured half interpreted.
            for (boolean viaFollower : new boolean[] {false, true}) {
                ControlPlane via = viaFollower ? group.follower() : group.leader();
                WriteLoad.run(via.writer(), new WriteLoad.Mode("jit-warmup", 16, o.inFlight(), viaFollower),
                        Duration.ZERO, Duration.ofSeconds(JIT_WARMUP_SECONDS));
            }
            for (WriteLoad.Mode mode : modes) {
                ControlPlane via = mode.viaFollower() ? group.follower() : group.leader();
                WriteLoad.Result r = WriteLoad.run(via.writer(), mode, Duration.ofSeconds(o.warmup()),
                        Duration.ofSeconds(o.seconds()));
                System.err.println("raft-bench: " + line(r));
                results.add(r);
            }
        } finally {
            FileTree.delete(dir);
        }
        out.append('\n').append(table(results));
        return out.toString();
    }

    private static String table(List<WriteLoad.Result> results) {
        StringBuilder t = new StringBuilder();
        t.append("| mode | via | ops/entry | in flight | entries/s | ops/s | p50 ms | p99 ms | max ms | CPU ms/entry | cores | rejected | failed |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (WriteLoad.Result r : results) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %,.0f | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d |%n",
                    r.mode().name(), r.mode().viaFollower() ? "follower" : "leader", r.mode().opsPerBatch(),
                    r.mode().inFlight(), r.batchesPerSecond(), r.opsPerSecond(), ms(r.latencyMicros(), 50),
                    ms(r.latencyMicros(), 99), r.latencyMicros().getMaxValue() / 1000.0, r.cpuMillisPerEntry(),
                    r.coresUsed(), r.rejected(), r.failed()));
        }
        return t.toString();
    }

    private static String line(WriteLoad.Result r) {
        return String.format(Locale.ROOT, "%s via %s, %d ops/entry, %d in flight: %,.0f ops/s, p50 %.2f ms, p99 %.2f ms",
                r.mode().name(), r.mode().viaFollower() ? "follower" : "leader", r.mode().opsPerBatch(),
                r.mode().inFlight(), r.opsPerSecond(), ms(r.latencyMicros(), 50), ms(r.latencyMicros(), 99));
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
