package io.trellis.stack.compose;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quantities of compose files read as Docker reads them: durations as Go writes them ({@code 1m30s},
 * {@code 500ms}), CPUs as a decimal ({@code 0.5}), memory as a size with a binary suffix ({@code 256M}). Empty
 * when the text is not one.
 */
public final class Quantities {
    private static final Pattern DURATION = Pattern.compile("((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?");
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {
    }

    /** A duration in milliseconds, parts below one dropped; {@code 0} alone is zero. */
    public static OptionalLong millis(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return OptionalLong.of(0);
        }
        if (t.length() > 100 || !DURATION.matcher(t).matches()) {
            return OptionalLong.empty();
        }
        BigDecimal millis = BigDecimal.ZERO;
        Matcher m = DURATION_PART.matcher(t);
        while (m.find()) {
            millis = millis.add(new BigDecimal(m.group(1)).multiply(unitMillis(m.group(2))));
        }
        return millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0 ? OptionalLong.empty()
                : OptionalLong.of(millis.setScale(0, RoundingMode.DOWN).longValueExact());
    }

    /** CPUs in billionths: {@code 0.5} → 500 000 000; zero, negative or finer than a billionth is not one. */
    public static OptionalLong nanoCpus(String text) {
        BigDecimal nanos;
        try {
            String t = text.strip();
            if (t.length() > 40) {
                return OptionalLong.empty();
            }
            nanos = new BigDecimal(t).multiply(BigDecimal.valueOf(1_000_000_000L));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        if (nanos.signum() <= 0 || nanos.stripTrailingZeros().scale() > 0 || nanos.compareTo(MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(nanos.longValueExact());
    }

    /** Bytes: {@code 256m} → 268 435 456 (binary multiples, as Docker's {@code RAMInBytes}); at least 1. */
    public static OptionalLong bytes(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = MEMORY.matcher(t);
        if (t.length() > 40 || !m.matches()) {
            return OptionalLong.empty();
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2)) + 1);
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(shift));
        if (bytes.compareTo(BigDecimal.ONE) < 0 || bytes.compareTo(MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(bytes.longValue());
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
}
