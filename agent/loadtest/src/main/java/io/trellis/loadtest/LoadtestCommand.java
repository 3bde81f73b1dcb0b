package io.trellis.loadtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trellis loadtest --target HOST:PORT ...}: load for a while, then the numbers. Exit 0 when
 * it ran (errors are in the output), 1 with one line when the flags or the target are refused.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load an HTTP server (or a UDP echo) like wrk2: keep-alive GETs or UDP round trips on many"
                + " connections for a while, optionally at a constant rate with latency from each request's intended"
                + " send time; then requests/s, errors by kind and latency percentiles.",
            "Targets: loopback and the running lab's nodes, others only with --allow-any-target."})
public final class LoadtestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", converter = TargetArgument.class,
            description = "Where to send the load ([ADDRESS]:PORT for IPv6).")
    TargetAddress target;

    @Option(names = "--http", paramLabel = "PATH", description = "HTTP/1.1 GET of PATH (the default, with /).")
    String httpPath;

    @Option(names = "--udp", description = "UDP round trips to an echo server instead of HTTP.")
    boolean udp;

    @Option(names = {"-c", "--connections"}, defaultValue = "10",
            description = "Concurrent connections (UDP: flows), one request outstanding on each; 1-10000"
                    + " (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationArgument.class,
            description = "How long to send: 500ms, 10s, 2m; at most 1h (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-R", "--rate"}, paramLabel = "REQ/S",
            description = "Total requests per second on a fixed schedule; latency counts from each request's"
                    + " intended send time. Without it, each connection sends as soon as its last answer came.")
    Long rate;

    @Option(names = "--timeout", defaultValue = "5s", converter = DurationArgument.class,
            description = "A request (its connect included) not answered by then is a timeout error; at most 1m"
                    + " (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--reconnect",
            description = "A new TCP connection per request (Connection: close): measures connection set-up.")
    boolean reconnect;

    @Option(names = {"-t", "--threads"},
            description = "Event loop threads (default: the cores, at most one per connection).")
    Integer threads;

    @Option(names = "--allow-any-target", description = "Load an address that is neither loopback nor a lab node.")
    boolean allowAnyTarget;

    @Option(names = "--json", description = "Print the summary as one JSON object (progress lines go to stderr).")
    boolean json;

    /** Where the running lab's node addresses are read; tests point it elsewhere. */
    Path labStateFile = LabTargets.STATE_FILE;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException | UnknownHostException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println("error: cannot read the lab's node addresses: " + e.getMessage());
            err.flush();
            return 1;
        }
        Summary summary = LoadRun.run(settings, json ? err : out);
        out.print(json ? SummaryFormat.json(summary) + System.lineSeparator() : SummaryFormat.text(summary));
        out.flush();
        return 0;
    }

    /** The flags checked, the target resolved and allowed. */
    private LoadSettings settings() throws IOException {
        if (udp && httpPath != null) {
            throw new IllegalArgumentException("--udp and --http exclude each other");
        }
        if (rate != null && rate < 1) {
            throw new IllegalArgumentException(
                    "invalid --rate " + rate + ": use 1-" + LoadSettings.MAX_RATE + " requests per second");
        }
        int loopThreads = threads != null ? threads
                : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), connections));
        // Checked before the host is resolved: the ranges need no DNS.
        LoadSettings unresolved = new LoadSettings(target,
                InetSocketAddress.createUnresolved(target.host(), target.port()),
                udp ? LoadSettings.Protocol.UDP : LoadSettings.Protocol.HTTP, httpPath == null ? "/" : httpPath,
                reconnect, connections, duration, rate == null ? 0 : rate, timeout, loopThreads);
        InetSocketAddress address;
        try {
            address = target.resolve();
        } catch (UnknownHostException e) {
            throw new UnknownHostException("cannot resolve " + target.host());
        }
        Optional<String> refusal = policy(address.getAddress()).refusal(address.getAddress());
        if (refusal.isPresent()) {
            throw new IllegalArgumentException("refusing target " + target + ": " + refusal.get());
        }
        return unresolved.at(address);
    }

    /** The lab file is read only when it could matter: not for loopback, not with --allow-any-target. */
    private TargetPolicy policy(InetAddress address) throws IOException {
        if (allowAnyTarget || address.isLoopbackAddress()) {
            return new TargetPolicy(Set.of(), allowAnyTarget);
        }
        return new TargetPolicy(LabTargets.read(labStateFile), false);
    }
}
