package io.trellis.loadtest;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One load test, checked: every limit is here, so a run is bounded whoever builds it.
 *
 * @param target the target as given (the HTTP {@code Host} header)
 * @param address where the target resolved to, already allowed by {@link TargetPolicy}
 * @param path the HTTP request path; unused for UDP
 * @param reconnect a new TCP connection per request ({@code Connection: close}); HTTP only
 * @param connections concurrent connections (UDP: flows), each with at most one request outstanding
 * @param rate requests per second over all connections on a fixed schedule, latency from each
 *     request's intended send time; 0 for as fast as the answers come (latency from the send)
 * @param timeout how long a request (its connect included) may take before it counts as a timeout
 * @param threads event loop threads
 */
public record LoadSettings(TargetAddress target, InetSocketAddress address, Protocol protocol, String path,
                           boolean reconnect, int connections, Duration duration, long rate, Duration timeout,
                           int threads) {
    public static final int MAX_CONNECTIONS = 10_000;
    public static final Duration MAX_DURATION = Duration.ofHours(1);
    public static final long MAX_RATE = 1_000_000;
    /** The latency histogram's range ends at one minute; a longer timeout could not be recorded. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    public static final int MAX_THREADS = 256;

    public enum Protocol { HTTP, UDP }

    /** @throws IllegalArgumentException naming the flag and its range, in one line */
    public LoadSettings {
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("invalid --connections " + connections + ": use 1-" + MAX_CONNECTIONS);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("invalid --duration " + text(duration) + ": use more than 0 and at most 1h");
        }
        if (rate < 0 || rate > MAX_RATE) {
            throw new IllegalArgumentException("invalid --rate " + rate + ": use 1-" + MAX_RATE + " requests per second");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("invalid --timeout " + text(timeout) + ": use more than 0 and at most 1m");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("invalid --threads " + threads + ": use 1-" + MAX_THREADS);
        }
        if (protocol == Protocol.UDP && reconnect) {
            throw new IllegalArgumentException("--reconnect is for HTTP; UDP has no connections to set up");
        }
        if (protocol == Protocol.HTTP && !path.matches("/\\p{Graph}*")) {
            throw new IllegalArgumentException("invalid --http \"" + path + "\": a path starts with / and has no spaces");
        }
    }

    /** These settings aimed at {@code resolved}, the address the target's host resolved to. */
    public LoadSettings at(InetSocketAddress resolved) {
        return new LoadSettings(target, resolved, protocol, path, reconnect, connections, duration, rate, timeout, threads);
    }

    /** Whether requests follow a fixed schedule ({@code --rate}). */
    public boolean paced() {
        return rate > 0;
    }

    /** {@code http}, {@code http-reconnect} or {@code udp}. */
    public String mode() {
        if (protocol == Protocol.UDP) {
            return "udp";
        }
        return reconnect ? "http-reconnect" : "http";
    }

    /** {@code http://127.0.0.1:8080/} or {@code udp://127.0.0.1:9000}. */
    public String url() {
        return protocol == Protocol.UDP ? "udp://" + target : "http://" + target + path;
    }

    /** The largest whole unit, as the flags take it: {@code 61m}, {@code 10s}, {@code 1500ms}. */
    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 || ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
