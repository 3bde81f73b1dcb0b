package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The store role over loopback: counts, and counts that survive a restart. */
class StoreWorkloadTest {
    @TempDir
    Path dir;

    private Workload store;
    private LineClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** {@code trellis workload store --port P --bind 127.0.0.1 --data DATA}, started in this JVM. */
    static Workload startStore(Path data) throws IOException {
        StoreWorkload command = new StoreWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(HttpWorkloadTest.freePort()), "--bind",
                "127.0.0.1", "--data", data.toString());
        return command.start(WorkloadIdentity.fromEnvironment(Map.of()));
    }

    @Test
    void countsEachVote() throws IOException {
        store = startStore(dir.resolve("data"));
        client = QueueWorkloadTest.clientOf(store);

        assertThat(client.call("COUNTS")).isEqualTo("COUNTS a=0 b=0");
        assertThat(client.call("ADD a")).isEqualTo("OK a=1");
        assertThat(client.call("ADD b")).isEqualTo("OK b=1");
        assertThat(client.call("ADD a")).isEqualTo("OK a=2");
        assertThat(client.call("COUNTS")).isEqualTo("COUNTS a=2 b=1");
        assertThat(client.call("ADD c")).isEqualTo("ERR unknown option: use a or b");
        assertThat(client.call("DROP")).isEqualTo("ERR unknown command: use ADD a|b or COUNTS");
    }

    @Test
    void theCountsSurviveARestartFromTheFileAlone() throws IOException {
        Path data = dir.resolve("data");
        store = startStore(data);
        client = QueueWorkloadTest.clientOf(store);
        client.call("ADD a");
        client.call("ADD b");
        client.call("ADD b");
        client.close();
        store.close();

        // Replaced whole by a rename: only the file, no temporary left beside it.
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(CountsFile.NAME);
        }
        assertThat(Files.readString(data.resolve(CountsFile.NAME))).isEqualTo("a=1\nb=2\n");

        store = startStore(data);
        client = QueueWorkloadTest.clientOf(store);
        assertThat(client.call("COUNTS")).isEqualTo("COUNTS a=1 b=2");
        assertThat(client.call("ADD a")).isEqualTo("OK a=2");
    }

    @Test
    void aFileItDidNotWriteIsNotOverwritten() throws IOException {
        Files.writeString(dir.resolve(CountsFile.NAME), "a=1\nsomething else\n");

        assertThatThrownBy(() -> startStore(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("unexpected line \"something else\"");
        assertThat(Files.readString(dir.resolve(CountsFile.NAME))).isEqualTo("a=1\nsomething else\n");
    }

    @Test
    void aVoteItCannotWriteIsNotCounted() throws IOException {
        Path data = dir.resolve("data");
        store = startStore(data);
        client = QueueWorkloadTest.clientOf(store);
        client.call("ADD a");
        // A directory where the temporary file goes: the write fails, as on a full or read-only disk.
        Files.createDirectory(data.resolve(".votes.tmp"));

        assertThat(client.call("ADD a")).startsWith("ERR cannot write");
        assertThat(client.call("COUNTS")).isEqualTo("COUNTS a=1 b=0");
    }
}
