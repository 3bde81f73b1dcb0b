package io.trellis.ipsec;

import java.util.concurrent.TimeUnit;

/**
 * Every tunable of the ipsec module with its default, in one place (Aeron {@code Configuration}
 * style): {@code X_PROP} names the system property, {@code X_DEFAULT} is used when it is unset.
 */
public final class Configuration {
    /**
     * How long a master key stays the send key before it is due for rotation (today {@code trellis vxlan-tunnel}
     * says so in its log, since no control plane rotates its key file): a duration with a unit suffix, {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}.
     */
    public static final String ROTATION_INTERVAL_PROP = "trellis.ipsec.rotation.interval";
    /** 12 hours, matching Docker Swarm's encrypted overlays. */
    public static final long ROTATION_INTERVAL_DEFAULT_NS = TimeUnit.HOURS.toNanos(12);

    private Configuration() {
    }

    /** {@link #ROTATION_INTERVAL_PROP} in nanoseconds, or the default. */
    public static long rotationIntervalNs() {
        String value = System.getProperty(ROTATION_INTERVAL_PROP);
        return value == null ? ROTATION_INTERVAL_DEFAULT_NS : parseDurationNs(ROTATION_INTERVAL_PROP, value);
    }

    /**
     * Parses a positive duration such as {@code 12h}, {@code 90s} or {@code 500ms}.
     *
     * @throws IllegalArgumentException naming {@code name} and what is allowed
     */
    public static long parseDurationNs(String name, String value) {
        String text = value.trim();
        int unitStart = 0;
        while (unitStart < text.length() && Character.isDigit(text.charAt(unitStart))) {
            unitStart++;
        }
        TimeUnit unit = unit(text.substring(unitStart));
        if (unitStart == 0 || unitStart > 18 || unit == null || Long.parseLong(text.substring(0, unitStart)) == 0) {
            throw new IllegalArgumentException(name + " is \"" + value
                    + "\": it must be a positive whole number with a unit ns, us, ms, s, m, h or d, e.g. 12h");
        }
        return unit.toNanos(Long.parseLong(text.substring(0, unitStart)));
    }

    private static TimeUnit unit(String suffix) {
        switch (suffix) {
            case "ns": return TimeUnit.NANOSECONDS;
            case "us": return TimeUnit.MICROSECONDS;
            case "ms": return TimeUnit.MILLISECONDS;
            case "s": return TimeUnit.SECONDS;
            case "m": return TimeUnit.MINUTES;
            case "h": return TimeUnit.HOURS;
            case "d": return TimeUnit.DAYS;
            default: return null;
        }
    }
}
