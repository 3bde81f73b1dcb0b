package io.trellis.cli;

import java.time.Duration;

/** "2 minutes ago", as Docker's {@code units.HumanDuration} prints it. */
public final class HumanTime {
    private HumanTime() {
    }

    public static String ago(long thenMillis, long nowMillis) {
        return duration(Duration.ofMillis(Math.max(0, nowMillis - thenMillis))) + " ago";
    }

    public static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return "Less than a second";
        } else if (s == 1) {
            return "1 second";
        } else if (s < 60) {
            return s + " seconds";
        }
        long m = d.toMinutes();
        if (m == 1) {
            return "About a minute";
        } else if (m < 60) {
            return m + " minutes";
        }
        long h = d.toHours();
        if (h == 1) {
            return "About an hour";
        } else if (h < 48) {
            return h + " hours";
        }
        return d.toDays() + " days";
    }
}
