package io.trellis.controlplane.api;

import io.trellis.controlplane.store.Resources;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource flags of {@code service create} and {@code service update}, as typed, turned into
 * {@link Resources} the way Docker reads them: CPUs as a decimal ({@code 0.5}), memory in bytes with an
 * optional binary suffix ({@code 256m}, {@code 1.5g}, {@code 512k}, {@code 100b}). A null field was not given.
 */
public record ResourceOptions(String limitCpu, String limitMemory, String reserveCpu, String reserveMemory) {

    public static final ResourceOptions NONE = new ResourceOptions(null, null, null, null);
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?");
    private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

    public boolean given() {
        return limitCpu != null || limitMemory != null || reserveCpu != null || reserveMemory != null;
    }

    public Resources create() {
        return applyTo(Resources.NONE);
    }

    /** {@code current} with the given flags changed; a reservation above its limit is refused. */
    public Resources applyTo(Resources current) {
        Resources r = new Resources(
                limitCpu == null ? current.limitNanoCpus() : nanoCpus("--limit-cpu", limitCpu),
                limitMemory == null ? current.limitMemoryBytes() : bytes("--limit-memory", limitMemory),
                reserveCpu == null ? current.reserveNanoCpus() : nanoCpus("--reserve-cpu", reserveCpu),
                reserveMemory == null ? current.reserveMemoryBytes() : bytes("--reserve-memory", reserveMemory));
        if (r.limitNanoCpus() > 0 && r.reserveNanoCpus() > r.limitNanoCpus()) {
            throw ApiException.invalid("--reserve-cpu " + cpus(r.reserveNanoCpus()) + " is more than --limit-cpu "
                    + cpus(r.limitNanoCpus()));
        }
        if (r.limitMemoryBytes() > 0 && r.reserveMemoryBytes() > r.limitMemoryBytes()) {
            throw ApiException.invalid("--reserve-memory " + memory(r.reserveMemoryBytes())
                    + " is more than --limit-memory " + memory(r.limitMemoryBytes()));
        }
        return r;
    }

    /** {@code 0.5} → 500_000_000; more than nine decimals, zero or negative refused. */
    public static long nanoCpus(String flag, String text) {
        BigDecimal cpus;
        try {
            cpus = new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid " + flag + " \"" + text + "\": expected a number of CPUs like 0.5"
                    + " or 2");
        }
        BigDecimal nanos = cpus.multiply(NANOS);
        if (nanos.signum() <= 0 || nanos.stripTrailingZeros().scale() > 0
                || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw ApiException.invalid("invalid " + flag + " \"" + text + "\": must be more than 0, in steps of"
                    + " 0.000000001");
        }
        return nanos.longValueExact();
    }

    /** {@code 256m} → 268_435_456 (binary multiples, as Docker's {@code RAMInBytes}); zero refused. */
    public static long bytes(String flag, String text) {
        Matcher m = MEMORY.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw ApiException.invalid("invalid " + flag + " \"" + text + "\": expected a size like 256m, 1g or"
                    + " 512k");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2)) + 1);
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(shift));
        if (bytes.compareTo(BigDecimal.ONE) < 0 || bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw ApiException.invalid("invalid " + flag + " \"" + text + "\": must be at least 1 byte");
        }
        return bytes.longValue();
    }

    /** 1_500_000_000 → {@code 1.5}. */
    public static String cpus(long nanoCpus) {
        return BigDecimal.valueOf(nanoCpus, 9).stripTrailingZeros().toPlainString();
    }

    /** Bytes as Docker prints sizes: {@code 256MiB}, {@code 1.5GiB}, {@code 100B}. */
    public static String memory(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        BigDecimal v = BigDecimal.valueOf(bytes);
        BigDecimal k = BigDecimal.valueOf(1024);
        while (u < units.length - 1 && v.compareTo(k) >= 0) {
            v = v.divide(k);
            u++;
        }
        return v.setScale(Math.min(v.scale(), 2), RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + units[u];
    }
}
