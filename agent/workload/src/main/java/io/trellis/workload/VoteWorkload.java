package io.trellis.workload;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis workload vote --port 80 --queue redis:6379}: the voting app's ballot page. */
@Command(name = "vote", mixinStandardHelpOptions = true,
        description = {"The voting app's front page: a ballot of Cats and Dogs (HTML for a browser, plain text for"
                + " curl); POST /vote with option=a or option=b pushes the vote to the queue. /healthz answers ok."})
public final class VoteWorkload extends WorkloadSubcommand {
    /** Votes in flight at once; each waits for the queue's answer on one of these threads. */
    private static final int HANDLER_THREADS = 4;

    @Option(names = "--queue", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "The queue workload, e.g. redis:6379.")
    InetSocketAddress queue;

    @Override
    String kind() {
        return "vote";
    }

    @Override
    Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        LineClient client = new LineClient(queue);
        String servedBy = servedBy(identity);
        ExecutorService threads = Executors.newFixedThreadPool(HANDLER_THREADS,
                new DefaultThreadFactory("vote-page", true));
        try {
            Workload server = WhoamiHttpServer.serve(address, "vote", () -> new VoteHandler(threads, client, servedBy));
            return new WithClients(server, threads, client);
        } catch (IOException e) {
            threads.shutdownNow();
            throw e;
        }
    }

    /** The task's name when it runs as a task (the original app shows its container), else the host's. */
    static String servedBy(WorkloadIdentity identity) {
        return identity.taskName().isEmpty() ? identity.nodeHostname() : identity.taskName() + " on "
                + identity.nodeHostname();
    }
}
