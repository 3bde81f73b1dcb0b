package io.trellis.workload;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;

/** {@code trellis workload queue --port 6379}: the voting app's queue (its redis), an in-memory FIFO. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = {"The voting app's queue: an in-memory FIFO of words over a line protocol:"
                + " PUSH ITEM -> OK, POP -> ITEM ITEM | EMPTY, LEN -> LEN N (at most "
                + VoteQueue.DEFAULT_CAPACITY + " items; a restart empties it)."})
public final class QueueWorkload extends WorkloadSubcommand {

    @Override
    String kind() {
        return "queue";
    }

    @Override
    Workload start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        return start(address, VoteQueue.DEFAULT_CAPACITY);
    }

    static Workload start(InetSocketAddress address, int capacity) throws IOException {
        VoteQueue queue = new VoteQueue(capacity);
        return LineServer.start(address, "queue", queue::answer);
    }
}
