package io.trellis.controlplane.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Docker (Go's {@code time.ParseDuration}) writes them: {@code 30s}, {@code 1m30s},
 * {@code 500ms}, {@code 1.5h}; units ns, us, ms, s, m, h. Kept in milliseconds.
 */
public final class DockerDuration {
    private static final Pattern WHOLE = Pattern.compile("((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000);

    private DockerDuration() {
    }

    /** The duration in milliseconds (parts below a millisecond dropped); one line naming {@code flag} otherwise. */
    public static long parseMillis(String flag, String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("0")) {
            return 0;
        }
        if (!WHOLE.matcher(t).matches()) {
            throw ApiException.invalid("invalid " + flag + " \"" + text + "\": expected a duration like 30s, 1m30s"
                    + " or 500ms");
        }
        BigDecimal millis = BigDecimal.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            millis = millis.add(new BigDecimal(m.group(1)).multiply(unitMillis(m.group(2))));
            if (millis.compareTo(MAX_MILLIS) > 0) {
                throw ApiException.invalid("invalid " + flag + " \"" + text + "\": too long");
            }
        }
        return millis.setScale(0, RoundingMode.DOWN).longValueExact();
    }

    private static BigDecimal unitMillis(String unit) {
        return switch (unit) {
            case "ns" -> new BigDecimal("0.000001");
            case "us", "µs" -> new BigDecimal("0.001");
            case "ms" -> BigDecimal.ONE;
            case "s" -> BigDecimal.valueOf(1_000);
            case "m" -> BigDecimal.valueOf(60_000);
            default -> BigDecimal.valueOf(3_600_000);
        };
    }

    /** As Go prints it: {@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 1.5s}, {@code 1h0m0s}. */
    public static String format(long millis) {
        if (millis < 1_000) {
            return millis == 0 ? "0s" : millis + "ms";
        }
        long h = millis / 3_600_000;
        long m = millis / 60_000 % 60;
        long ms = millis % 60_000;
        String seconds = BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
        if (h > 0) {
            return h + "h" + m + "m" + seconds;
        }
        return m > 0 ? m + "m" + seconds : seconds;
    }
}
