package io.trellis.loadtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trellis.api.Json;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.StringJoiner;

/** A run's header, progress and summary lines for people, and the summary as one JSON object for scripts. */
final class SummaryFormat {
    /** The percentiles reported, and their names in text and JSON. */
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PERCENTILE_LABELS = {"p50", "p90", "p99", "p99.9"};
    private static final String[] PERCENTILE_KEYS = {"p50", "p90", "p99", "p999"};

    private SummaryFormat() {
    }

    /** {@code loadtest http://127.0.0.1:8080/ for 10s: 100 connections on 2 epoll threads, 1000 req/s}. */
    static String header(LoadSettings s, String transport) {
        String connections = s.protocol() == LoadSettings.Protocol.UDP ? "flow" : "connection";
        return "loadtest " + s.url() + " for " + LoadSettings.text(s.duration()) + ": "
                + plural(s.connections(), connections) + " on " + plural(s.threads(), transport + " thread") + ", "
                + (s.paced() ? s.rate() + " req/s" : "as fast as answers come")
                + (s.reconnect() ? ", a new connection per request" : "");
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** One second's line: {@code   3s     1234 req/s  errors 5}. */
    static String progress(long second, long answers, long errors) {
        return String.format(Locale.ROOT, "%5ds %9d req/s  errors %d", second, answers, errors);
    }

    static String text(Summary r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "requests  %d in %.2fs, %.1f req/s, %s read%n", r.requests(),
                r.elapsed().toNanos() / 1e9, r.requestsPerSecond(), bytes(r.bytes())));
        StringJoiner kinds = new StringJoiner(", ", " (", ")");
        r.errors().forEach((kind, n) -> kinds.add(kind.label() + " " + n));
        b.append("errors    ").append(r.errorCount()).append(kinds).append(System.lineSeparator());
        b.append("latency  ");
        if (r.requests() == 0) {
            b.append(" none: no answers");
        } else {
            for (int i = 0; i < PERCENTILES.length; i++) {
                b.append(' ').append(PERCENTILE_LABELS[i]).append(' ').append(micros(r.latencyMicros(PERCENTILES[i])));
            }
            b.append(" max ").append(micros(r.maxLatencyMicros()));
            b.append(r.settings().paced() ? " (from each request's intended send time)" : " (from each request's send)");
        }
        return b.append(System.lineSeparator()).toString();
    }

    /** Flat, so a script needs no more than {@code jq .latency_p99_us}. */
    static String json(Summary r) {
        LoadSettings s = r.settings();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("target", s.target().toString());
        o.put("address", s.address().getAddress().getHostAddress());
        o.put("mode", s.mode());
        o.put("transport", r.transport());
        o.put("connections", s.connections());
        o.put("threads", s.threads());
        o.put("duration_s", s.duration().toMillis() / 1000.0);
        o.put("rate", s.rate());
        o.put("timeout_ms", s.timeout().toMillis());
        o.put("requests", r.requests());
        o.put("elapsed_s", round(r.elapsed().toNanos() / 1e9, 3));
        o.put("requests_per_s", round(r.requestsPerSecond(), 1));
        o.put("bytes", r.bytes());
        o.put("errors", r.errorCount());
        r.errors().forEach((kind, n) -> o.put("errors_" + kind.key(), n));
        o.put("latency_from", s.paced() ? "intended" : "sent");
        for (int i = 0; i < PERCENTILES.length; i++) {
            o.put("latency_" + PERCENTILE_KEYS[i] + "_us", r.latencyMicros(PERCENTILES[i]));
        }
        o.put("latency_max_us", r.maxLatencyMicros());
        o.put("latency_mean_us", round(r.requests() == 0 ? 0 : r.latency().getMean(), 1));
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static String micros(long us) {
        if (us < 1_000) {
            return us + "us";
        }
        return us < 1_000_000 ? String.format(Locale.ROOT, "%.2fms", us / 1e3)
                : String.format(Locale.ROOT, "%.2fs", us / 1e6);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int unit = -1;
        while (v >= 1024 && unit < units.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[unit]);
    }
}
