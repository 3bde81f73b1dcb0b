package io.trellis.workload;

import io.trellis.process.StopSignals;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis workload worker --queue redis:6379 --store db:5432}: moves votes from the queue to the store. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"The voting app's worker: takes each vote from the queue and adds it to the store, holding it"
                + " until the store has counted it; waits for either service while it cannot be reached."})
public final class WorkerCommand implements Callable<Integer> {
    private static final Duration CLOSE_LIMIT_AT_EXIT = Duration.ofSeconds(6);

    @Spec
    CommandSpec spec;

    @Option(names = "--queue", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "The queue workload, e.g. redis:6379.")
    InetSocketAddress queue;

    @Option(names = "--store", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "The store workload, e.g. db:5432.")
    InetSocketAddress store;

    /** Starts moving votes; the caller closes the result (tests call this instead of {@link #call}). */
    VoteWorker start() {
        return VoteWorker.start(new LineClient(queue), new LineClient(store), spec.commandLine().getErr());
    }

    @Override
    public Integer call() throws InterruptedException {
        VoteWorker worker = start();
        StopSignals signals = StopSignals.install(worker::close, CLOSE_LIMIT_AT_EXIT);
        PrintWriter out = spec.commandLine().getOut();
        out.println("worker workload moving votes from " + queue.getHostString() + ":" + queue.getPort() + " to "
                + store.getHostString() + ":" + store.getPort());
        out.flush();
        signals.await();
        return 0;
    }
}
