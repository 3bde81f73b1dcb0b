package io.trellis.workload;

import io.trellis.process.StopSignals;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every workload subcommand shares: where to listen, the start line, and running until the
 * executor stops the task. Tests call {@link #start} instead of {@link #call} to stop it themselves.
 */
abstract class WorkloadSubcommand implements Callable<Integer> {
    /**
     * Bounds an exit that is not a signal; a workload's close takes at most 5 s (the http workload's
     * graceful stop), the others no time.
     */
    private static final Duration CLOSE_LIMIT_AT_EXIT = Duration.ofSeconds(6);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, converter = PortConverter.class,
            description = "Port to listen on (1-65535).")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    InetAddress bind;

    /** The word in the start line: {@code http}, {@code tcp echo}… */
    abstract String kind();

    abstract Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException;

    /** Starts serving on {@code --bind}:{@code --port}; the caller closes the result. */
    public final Workload start(WorkloadIdentity identity) throws IOException {
        return start(new InetSocketAddress(bind, port), identity);
    }

    @Override
    public final Integer call() throws IOException, InterruptedException {
        WorkloadIdentity identity = WorkloadIdentity.fromEnvironment(System.getenv());
        Workload workload = start(identity);
        // Executors stop a task with SIGTERM: stop serving (gracefully where the workload can) and free the port.
        StopSignals signals = StopSignals.install(workload::close, CLOSE_LIMIT_AT_EXIT);
        PrintWriter out = spec.commandLine().getOut();
        String task = identity.taskName().isEmpty() ? "" : identity.taskName() + " ";
        // The requested address: a wildcard bind reports itself as the IPv6 "::" of a dual-stack socket.
        InetSocketAddress listening = new InetSocketAddress(bind, workload.localAddress().getPort());
        out.println(kind() + " workload " + task + "listening on " + Workload.format(listening));
        out.flush();
        signals.await();
        return 0;
    }
}
