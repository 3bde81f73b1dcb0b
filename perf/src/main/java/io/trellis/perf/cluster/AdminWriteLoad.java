package io.trellis.perf.cluster;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Acknowledged writes per second through the product's front door: concurrent {@code service create}
 * requests ({@code replicas 0}) on one manager's admin socket. Each request is one API call, one
 * validated {@code StoreBatch}, one sealed Raft entry; the manager answers once it is committed and
 * applied. The store grows by one service per write, which the table says by its row order.
 */
final class AdminWriteLoad {
    private AdminWriteLoad() {
    }

    static String run(List<AdminApi> targets, List<Integer> concurrency, int warmupSeconds, int seconds)
            throws InterruptedException {
        StringBuilder t = new StringBuilder();
        t.append("| clients | acknowledged writes/s | p50 ms | p99 ms | max ms | refused |\n|---|---|---|---|---|---|\n");
        String run = Long.toString(System.currentTimeMillis() % 100_000, 36);
        for (int clients : concurrency) {
            try (CreateStream s = new CreateStream(targets, clients, "load-" + run + "-c" + clients,
                    warmupSeconds + seconds + 30L, submitted -> { })) {
                s.start();
                Pause.millis(TimeUnit.SECONDS.toMillis(warmupSeconds));
                s.measure();
                long from = System.nanoTime();
                Pause.millis(TimeUnit.SECONDS.toMillis(seconds));
                long acked = s.acknowledged();
                double elapsed = (System.nanoTime() - from) / 1e9;
                Histogram h = s.latencyMicros();
                String row = String.format(Locale.ROOT, "| %d | %,.0f | %.1f | %.1f | %.1f | %d |", clients,
                        acked / elapsed, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                        h.getMaxValue() / 1000.0, s.refused());
                System.err.println("cluster-bench: writes " + row);
                t.append(row).append('\n');
            }
        }
        return t.toString();
    }
}
