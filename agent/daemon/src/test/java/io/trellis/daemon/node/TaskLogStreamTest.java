package io.trellis.daemon.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.admin.ChunkSink;
import io.trellis.process.TaskDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
        new TaskLogStream(log, false, -1, false, () -> true).writeTo(sink);
        assertThat(sink.text()).isEqualTo("a\nb\nunfinished\n");
    }

    @Test
    void timestampsAreWhenTheClockFirstSawEachLineWhole() throws Exception {
        Path tasks = dir.resolve("tasks");
        TaskDirectory dirs = new TaskDirectory(tasks);
        dirs.create("t1");
        Path log = dirs.outputLog("t1");
        AtomicLong now = new AtomicLong(1_000);
        Clock clock = new Clock() {
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        OutputClock times = new OutputClock(dirs, clock);
        Files.writeString(log, "first\n");
        times.lookNow();
        now.set(2_500);
        Files.writeString(log, "second\n", StandardOpenOption.APPEND);
        times.lookNow();
        now.set(9_000);
        times.lookNow(); // nothing new: nothing recorded
        Collect sink = new Collect();
        new TaskLogStream(log, false, -1, true, () -> false).writeTo(sink);
        assertThat(sink.text()).isEqualTo("1970-01-01T00:00:01.000000000Z first\n"
                + "1970-01-01T00:00:02.500000000Z second\n");
        assertThat(Files.size(log.resolveSibling("output.times"))).isEqualTo(32);
    }

    @Test
    void followSendsNewLinesAndEndsOnceTheTaskStoppedAndAllWasSent() throws Exception {
        Path log = dir.resolve("output.log");
        Files.writeString(log, "old\n");
        AtomicBoolean running = new AtomicBoolean(true);
        Collect sink = new Collect();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                new TaskLogStream(log, true, -1, false, running::get).writeTo(sink);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Files.writeString(log, "new\n", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.text().equals("old\nnew\n"));
        assertThat(done).isNotDone();
        Files.writeString(log, "last\n", StandardOpenOption.APPEND);
        running.set(false);
        done.get(5, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("old\nnew\nlast\n");
    }
}
