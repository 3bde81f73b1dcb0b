package io.trellis.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker-style durations on the command line, and in what the CLI prints: {@code 500ms}, {@code 5s}, {@code 2m},
 * {@code 1h}.
 */
public final class DurationText {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private DurationText() {
    }

    public static Duration parse(String flag, String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw CliException.user("invalid " + flag + " \"" + text + "\": expected a duration like 500ms, 5s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw CliException.user("invalid " + flag + " \"" + text + "\": must be more than 0");
        }
        return d;
    }

    /** The inverse of {@link #parse}: the largest unit that gives a whole number ({@code 7s}, {@code 500ms}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        } else if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        } else if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
