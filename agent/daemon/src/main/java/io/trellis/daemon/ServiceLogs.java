package io.trellis.daemon;

import io.trellis.admin.ChunkSink;
import io.trellis.admin.StreamingBody;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Task;
import io.trellis.process.TaskDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code service logs}: each task's captured output, every line prefixed like Docker's
 * ({@code web.1.abcdef123456@node1    | line}); with follow, new lines as they are written until the
 * client goes away or the service is removed.
 */
final class ServiceLogs implements StreamingBody {
    private static final long FOLLOW_POLL_MILLIS = 200;
    private static final int READ_CHUNK = 64 * 1024;

    private final AgentDaemon daemon;
    private final String serviceId;
    private final boolean follow;
    private final int tail;
    private final Map<String, Cursor> cursors = new HashMap<>();

    /** How far a task's log has been sent, and the unfinished last line. */
    private static final class Cursor {
        long offset;
        final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    }

    ServiceLogs(AgentDaemon daemon, String serviceId, boolean follow, int tail) {
        this.daemon = daemon;
        this.serviceId = serviceId;
        this.follow = follow;
        this.tail = tail;
    }

    @Override
    public void writeTo(ChunkSink sink) throws IOException {
        TaskDirectory dirs = new TaskDirectory(daemon.configuration().tasksDir());
        boolean first = true;
        while (true) {
            ClusterSnapshot view = daemon.manager().store().view();
            boolean serviceGone = !view.services().containsKey(serviceId);
            for (Task t : oldestFirst(view.tasksOf(serviceId))) {
                Path log = dirs.outputLog(t.id());
                if (Files.exists(log)) {
                    pump(t, log, view.nodes(), sink, first, !follow || serviceGone);
                }
            }
            first = false;
            if (!follow || serviceGone) {
                return;
            }
            try {
                Thread.sleep(FOLLOW_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pump(Task t, Path log, Map<String, Node> nodes, ChunkSink sink, boolean first, boolean flushPartial)
            throws IOException {
        Cursor c = cursors.computeIfAbsent(t.id(), k -> new Cursor());
        String prefix = prefix(t, nodes);
        StringBuilder out = new StringBuilder();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            if (f.length() < c.offset) {
                c.offset = 0; // truncated: start over
            }
            f.seek(c.offset);
            byte[] buf = new byte[READ_CHUNK];
            for (int n; (n = f.read(buf)) > 0; ) {
                c.offset += n;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        out.append(prefix).append(c.partial.toString(StandardCharsets.UTF_8)).append('\n');
                        c.partial.reset();
                    } else {
                        c.partial.write(buf[i]);
                    }
                }
            }
        }
        if (flushPartial && c.partial.size() > 0) {
            out.append(prefix).append(c.partial.toString(StandardCharsets.UTF_8)).append('\n');
            c.partial.reset();
        }
        String text = first && tail >= 0 ? lastLines(out.toString(), tail) : out.toString();
        if (!text.isEmpty()) {
            sink.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<Task> oldestFirst(List<Task> tasks) {
        return tasks.stream()
                .sorted(java.util.Comparator.comparingInt(Task::slot).thenComparingLong(Task::createdAt))
                .toList();
    }

    private static String prefix(Task t, Map<String, Node> nodes) {
        Node n = t.nodeId() == null ? null : nodes.get(t.nodeId());
        return t.name() + "." + Ids.shortId(t.id()) + "@" + (n == null ? "?" : n.hostname()) + "    | ";
    }

    private static String lastLines(String text, int n) {
        Deque<String> keep = new ArrayDeque<>();
        for (String line : List.of(text.split("\n"))) {
            if (line.isEmpty()) {
                continue;
            }
            keep.addLast(line);
            if (keep.size() > n) {
                keep.removeFirst();
            }
        }
        return keep.isEmpty() ? "" : String.join("\n", keep) + "\n";
    }
}
