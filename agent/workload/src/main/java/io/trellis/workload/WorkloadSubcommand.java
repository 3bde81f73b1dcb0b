package io.trellis.workload;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every workload subcommand shares: where to listen, the start line, and running until the
 * executor stops the task. Tests call {@link #start} instead of {@link #call} to stop it themselves.
 */
abstract class WorkloadSubcommand implements Callable<Integer> {
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
        CountDownLatch stopped = new CountDownLatch(1);
        // Executors stop a task with SIGTERM: close the socket so the port is free at once.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            workload.close();
            stopped.countDown();
        }, "workload-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        String task = identity.taskName().isEmpty() ? "" : identity.taskName() + " ";
        // The requested address: a wildcard bind reports itself as the IPv6 "::" of a dual-stack socket.
        InetSocketAddress listening = new InetSocketAddress(bind, workload.localAddress().getPort());
        out.println(kind() + " workload " + task + "listening on " + Workload.format(listening));
        out.flush();
        stopped.await();
        return 0;
    }
}
