package io.trellis.daemon.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.admin.ChunkSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskLogStreamTest {
    @TempDir
    Path dir;

    private static final class Collect implements ChunkSink {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();

        public synchronized void write(byte[] chunk) {
            got.writeBytes(chunk);
        }

        synchronized String text() {
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void tailCountsWholeLinesFromTheEnd() throws Exception {
        Path log = dir.resolve("output.log");
        Files.writeString(log, "a\nb\nc\n");
        assertThat(TaskLogStream.startOfLastLines(log, 1)).isEqualTo(4);
        assertThat(TaskLogStream.startOfLastLines(log, 2)).isEqualTo(2);
        assertThat(TaskLogStream.startOfLastLines(log, 5)).isZero();
        assertThat(TaskLogStream.startOfLastLines(log, 0)).isEqualTo(6);
        Files.writeString(log, "a\nb\nunfinished");
        assertThat(TaskLogStream.startOfLastLines(log, 1)).isEqualTo(4);
    }

    @Test
    void withoutFollowTheWholeLogIsSentWithAnUnfinishedLastLineEnded() throws Exception {
        Path log = dir.resolve("output.log");
        Files.writeString(log, "a\nb\nunfinished");
        Collect sink = new Collect();
        new TaskLogStream(log, false, -1, () -> true).writeTo(sink);
        assertThat(sink.text()).isEqualTo("a\nb\nunfinished\n");
    }

    @Test
    void followSendsNewLinesAndEndsOnceTheTaskStoppedAndAllWasSent() throws Exception {
        Path log = dir.resolve("output.log");
        Files.writeString(log, "old\n");
        AtomicBoolean running = new AtomicBoolean(true);
        Collect sink = new Collect();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                new TaskLogStream(log, true, -1, running::get).writeTo(sink);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Files.writeString(log, "new\n", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.text().equals("old\nnew\n"));
        assertThat(done).isNotDone();
        Files.writeString(log, "last\n", StandardOpenOption.APPEND);
        running.set(false);
        done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("old\nnew\nlast\n");
    }
}
