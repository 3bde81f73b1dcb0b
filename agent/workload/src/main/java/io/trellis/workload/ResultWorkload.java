package io.trellis.workload;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis workload result --port 80 --store db:5432}: the voting app's results page. */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = {"The voting app's results: the store's counts of Cats and Dogs (HTML for a browser, reloading"
                + " itself; plain text for curl). /healthz answers ok."})
public final class ResultWorkload extends WorkloadSubcommand {
    private static final int HANDLER_THREADS = 2;

    @Option(names = "--store", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "The store workload, e.g. db:5432.")
    InetSocketAddress store;

    @Override
    String kind() {
        return "result";
    }

    @Override
    Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        LineClient client = new LineClient(store);
        String servedBy = VoteWorkload.servedBy(identity);
        ExecutorService threads = Executors.newFixedThreadPool(HANDLER_THREADS,
                new DefaultThreadFactory("result-page", true));
        try {
            Workload server = WhoamiHttpServer.serve(address, "result", () -> new ResultHandler(threads, client, servedBy));
            return new WithClients(server, threads, client);
        } catch (IOException e) {
            threads.shutdownNow();
            throw e;
        }
    }
}
