package io.trellis.perf.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Median, min and max of a few repeated measurements in milliseconds. */
final class Spread {
    private final List<Long> values = new ArrayList<>();
    private int missing;

    void add(long millis) {
        values.add(millis);
    }

    /** A round where the event was not seen within its bound. */
    void addMissing() {
        missing++;
    }

    /** "1,234 ms (1,100–1,500, n=5)", or a dash when nothing was measured. */
    @Override
    public String toString() {
        if (values.isEmpty()) {
            return "not observed (" + missing + " round" + (missing == 1 ? "" : "s") + ")";
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return String.format(Locale.ROOT, "%,.0f ms (%,d–%,d, n=%d%s)", median, sorted.get(0), sorted.get(n - 1), n,
                missing == 0 ? "" : ", not observed in " + missing);
    }
}
