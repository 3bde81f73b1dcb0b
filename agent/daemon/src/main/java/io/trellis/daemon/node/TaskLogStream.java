package io.trellis.daemon.node;

import io.trellis.admin.ChunkSink;
import io.trellis.admin.StreamingBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.BooleanSupplier;

/**
 * One task's captured output as its node serves it: whole lines, from the last {@code tail} lines (all when
 * negative), then, with follow, new lines as the task writes them until the task has ended and everything
 * was sent, its folder is gone or the reader left.
 */
public final class TaskLogStream implements StreamingBody {
    static final long FOLLOW_POLL_MILLIS = 200;
    private static final int READ_CHUNK = 64 * 1024;
    /** A longer line is sent in pieces, so one runaway line cannot hold the node's memory. */
    private static final int MAX_LINE = 256 * 1024;

    private final Path log;
    private final boolean follow;
    private final int tail;
    private final BooleanSupplier running;
    private final boolean timestamps;
    private OutputClock.Times times;

    /** @param timestamps start each line with when it was written ({@link OutputClock}), Docker's layout */
    public TaskLogStream(Path log, boolean follow, int tail, boolean timestamps, BooleanSupplier running) {
        this.log = log;
        this.follow = follow;
        this.tail = tail;
        this.timestamps = timestamps;
        this.running = running;
    }

    /** Docker's fixed RFC 3339 layout with nanoseconds, so stamped lines sort and align. */
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Override
    public void writeTo(ChunkSink sink) throws IOException, InterruptedException {
        long offset = tail < 0 || !Files.exists(log) ? 0 : startOfLastLines(log, tail);
        byte[] buf = new byte[READ_CHUNK];
        byte[] line = new byte[MAX_LINE];
        int lineLen = 0;
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        while (true) {
            boolean wasRunning = running.getAsBoolean(); // read before the file: output written after it is seen next
            if (!Files.exists(log)) {
                return;
            }
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                if (f.length() < offset) {
                    offset = 0; // truncated: start over
                }
                f.seek(offset);
                for (int n; (n = f.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        line[lineLen++] = buf[i];
                        if (buf[i] == '\n' || lineLen == line.length) {
                            stamp(whole, offset + i + 1);
                            whole.write(line, 0, lineLen);
                            lineLen = 0;
                        }
                    }
                    offset += n;
                    if (whole.size() > 0) { // one chunk per read, not per line: each chunk waits for the socket
                        sink.write(whole.toByteArray());
                        whole.reset();
                    }
                }
            }
            if (!follow || !wasRunning || !sink.open()) {
                if (lineLen > 0) {
                    stamp(whole, offset);
                    whole.write(line, 0, lineLen);
                    whole.write('\n');
                    sink.write(whole.toByteArray());
                }
                return;
            }
            Thread.sleep(FOLLOW_POLL_MILLIS);
        }
    }

    /** With timestamps, writes when the line ending at {@code end} was written, and a space. */
    private void stamp(ByteArrayOutputStream out, long end) throws IOException {
        if (!timestamps) {
            return;
        }
        long at = times == null ? -1 : times.at(end);
        if (at < 0) {
            times = OutputClock.Times.read(log); // newer output than the times last read
            at = times.at(end);
        }
        Instant when = at < 0 ? Instant.now() : Instant.ofEpochMilli(at); // not looked at yet: it is that new
        out.write((STAMP.format(when) + " ").getBytes(StandardCharsets.US_ASCII));
    }

    /** Where the last {@code lines} whole lines of the file begin, reading backwards from its end. */
    static long startOfLastLines(Path file, int lines) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long end = f.length();
            if (lines == 0) {
                return end;
            }
            byte[] buf = new byte[READ_CHUNK];
            long pos = end;
            int seen = 0;
            boolean skipFinalNewline = true;
            while (pos > 0) {
                int n = (int) Math.min(buf.length, pos);
                pos -= n;
                f.seek(pos);
                f.readFully(buf, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (buf[i] != '\n') {
                        skipFinalNewline = false;
                        continue;
                    }
                    if (skipFinalNewline && pos + i == end - 1) {
                        continue; // the newline ending the last line does not start one
                    }
                    if (++seen == lines) {
                        return pos + i + 1;
                    }
                }
            }
            return 0;
        }
    }
}
