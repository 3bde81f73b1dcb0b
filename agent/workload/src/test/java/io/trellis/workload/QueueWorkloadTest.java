package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The queue role over loopback: FIFO order, a bound, and what it refuses. */
class QueueWorkloadTest {
    private Workload queue;
    private LineClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    /** {@code trellis workload queue --port P --bind 127.0.0.1}, started in this JVM. */
    static Workload startQueue() throws IOException {
        QueueWorkload command = new QueueWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(HttpWorkloadTest.freePort()), "--bind",
                "127.0.0.1");
        return command.start(WorkloadIdentity.fromEnvironment(Map.of()));
    }

    static LineClient clientOf(Workload server) {
        InetSocketAddress a = server.localAddress();
        return new LineClient(InetSocketAddress.createUnresolved("127.0.0.1", a.getPort()));
    }

    @Test
    void popsInTheOrderPushedThenEmpty() throws IOException {
        queue = startQueue();
        client = clientOf(queue);

        assertThat(client.call("PUSH a")).isEqualTo("OK");
        assertThat(client.call("PUSH b")).isEqualTo("OK");
        assertThat(client.call("PUSH a")).isEqualTo("OK");
        assertThat(client.call("LEN")).isEqualTo("LEN 3");

        assertThat(client.call("POP")).isEqualTo("ITEM a");
        assertThat(client.call("POP")).isEqualTo("ITEM b");
        assertThat(client.call("POP")).isEqualTo("ITEM a");
        assertThat(client.call("POP")).isEqualTo("EMPTY");
    }

    @Test
    void aFullQueueRefusesAndKeepsWhatItHas() throws IOException {
        queue = QueueWorkload.start(new InetSocketAddress("127.0.0.1", 0), 2);
        client = clientOf(queue);

        assertThat(client.call("PUSH a")).isEqualTo("OK");
        assertThat(client.call("PUSH b")).isEqualTo("OK");
        assertThat(client.call("PUSH a")).isEqualTo("ERR full");
        assertThat(client.call("POP")).isEqualTo("ITEM a");
        assertThat(client.call("PUSH a")).isEqualTo("OK");
    }

    @Test
    void refusesWhatIsNotOneWordOrACommand() {
        VoteQueue q = new VoteQueue(10);

        assertThat(q.answer("PUSH two words")).startsWith("ERR an item is one word");
        assertThat(q.answer("PUSH ")).startsWith("ERR an item is one word");
        assertThat(q.answer("PUSH " + "x".repeat(VoteQueue.MAX_ITEM + 1))).startsWith("ERR an item is one word");
        assertThat(q.answer("DEL a")).isEqualTo("ERR unknown command: use PUSH ITEM, POP or LEN");
        assertThat(q.answer("LEN")).isEqualTo("LEN 0");
    }

    @Test
    void aLineTooLongEndsThatConnectionOnly() throws IOException {
        queue = startQueue();
        client = clientOf(queue);

        assertThatThrownBy(() -> client.call("PUSH " + "x".repeat(LineServer.MAX_LINE))).isInstanceOf(IOException.class);
        // The client connects again for the next call; the queue still serves.
        assertThat(client.call("PUSH a")).isEqualTo("OK");
        assertThat(client.call("POP")).isEqualTo("ITEM a");
    }
}
