package io.trellis.cli;

import io.trellis.api.HealthView;
import io.trellis.api.TaskView;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Health and resources as Docker prints them: {@code Running (healthy)}, {@code 4 CPUs}, {@code 7.7GiB}. */
final class HealthText {
    private HealthText() {
    }

    /** A task's state with its health, as Docker's container status: {@code Starting (health: starting)}. */
    static String state(TaskView t) {
        HealthView h = t.health();
        return switch (h.status()) {
            case "starting" -> t.state() + " (health: starting)";
            case "healthy", "unhealthy" -> t.state() + " (" + h.status() + ")";
            default -> t.state();
        };
    }

    static String cpus(long nanoCpus) {
        return BigDecimal.valueOf(nanoCpus, 9).stripTrailingZeros().toPlainString();
    }

    /** {@code 7.7GiB}, {@code 512MiB}. */
    static String memory(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        BigDecimal v = BigDecimal.valueOf(bytes);
        int u = 0;
        while (u < units.length - 1 && v.compareTo(BigDecimal.valueOf(1024)) >= 0) {
            v = v.divide(BigDecimal.valueOf(1024));
            u++;
        }
        return v.setScale(Math.min(v.scale(), 1), RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                + units[u];
    }
}
