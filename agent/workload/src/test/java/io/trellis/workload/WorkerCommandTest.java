package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The worker role between a real queue and a real store over loopback. */
class WorkerCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private Workload queue;
    private Workload store;
    private VoteWorker worker;
    private LineClient queueClient;
    private LineClient storeClient;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {worker, queueClient, storeClient, queue, store}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private VoteWorker startWorker(int queuePort, int storePort) {
        WorkerCommand command = new WorkerCommand();
        new CommandLine(command).setErr(new PrintWriter(err, true)).parseArgs("--queue", "localhost:" + queuePort,
                "--store", "127.0.0.1:" + storePort);
        return command.start();
    }

    private String counts() throws IOException {
        return storeClient.call("COUNTS");
    }

    @Test
    void movesEveryVoteFromTheQueueIntoTheStore() throws IOException {
        queue = QueueWorkloadTest.startQueue();
        store = StoreWorkloadTest.startStore(dir);
        queueClient = QueueWorkloadTest.clientOf(queue);
        storeClient = QueueWorkloadTest.clientOf(store);
        worker = startWorker(queue.localAddress().getPort(), store.localAddress().getPort());

        for (String v : new String[] {"a", "b", "a", "notavote", "a"}) {
            assertThat(queueClient.call("PUSH " + v)).isEqualTo("OK");
        }

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(counts()).isEqualTo("COUNTS a=3 b=1"));
        assertThat(queueClient.call("LEN")).isEqualTo("LEN 0");
        assertThat(err.toString()).contains("worker: dropped \"ITEM notavote\" from the queue: not a vote");
    }

    @Test
    void aVoteTakenWhileTheStoreIsDownIsCountedOnceItIsBack() throws IOException {
        queue = QueueWorkloadTest.startQueue();
        queueClient = QueueWorkloadTest.clientOf(queue);
        int storePort = HttpWorkloadTest.freePort();
        worker = startWorker(queue.localAddress().getPort(), storePort);
        queueClient.call("PUSH b");

        // The worker has taken the vote and cannot hand it on.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(queueClient.call("LEN")).isEqualTo("LEN 0");
            assertThat(err.toString()).contains("worker: the store cannot be reached: ");
        });

        StoreWorkload command = new StoreWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(storePort), "--bind", "127.0.0.1", "--data",
                dir.toString());
        store = command.start(WorkloadIdentity.fromEnvironment(Map.of()));
        storeClient = QueueWorkloadTest.clientOf(store);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(counts()).isEqualTo("COUNTS a=0 b=1"));
        assertThat(err.toString()).contains("worker: reachable again after: the store cannot be reached");
    }
}
