package io.trellis.daemon;

import io.trellis.admin.ChunkSink;
import io.trellis.admin.StreamingBody;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.cluster.ClusterException;
import io.trellis.daemon.node.NodeClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code service logs}: the output of the service's tasks wherever they ran, fetched from each task's node
 * through its node port, every line prefixed like Docker's ({@code web.1.abcdef123456@node1    | line}), with
 * timestamps first when asked.
 * Without follow, task after task, oldest slot first. With follow, every task's stream at once, and the
 * streams of tasks that start later, until the client goes away or the service is removed.
 */
final class ServiceLogs implements StreamingBody {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLogs.class);
    private static final long NEW_TASK_POLL_MILLIS = 300;
    /** Followers open at once, one thread each; a service with more live tasks shows the first ones. */
    private static final int MAX_FOLLOWED = 256;

    private final Supplier<ClusterSnapshot> view;
    private final NodeClient nodes;
    private final String serviceId;
    private final boolean follow;
    private final int tail;
    private final boolean timestamps;

    ServiceLogs(Supplier<ClusterSnapshot> view, NodeClient nodes, String serviceId, boolean follow, int tail,
                boolean timestamps) {
        this.timestamps = timestamps;
        this.view = view;
        this.nodes = nodes;
        this.serviceId = serviceId;
        this.follow = follow;
        this.tail = tail;
    }

    @Override
    public void writeTo(ChunkSink sink) throws IOException, InterruptedException {
        if (!follow) {
            ClusterSnapshot now = view.get();
            for (Task t : oldestFirst(now.tasksOf(serviceId))) {
                copy(t, now.nodes(), sink, new OpenStreams());
            }
            return;
        }
        Map<String, Thread> followers = new HashMap<>();
        OpenStreams open = new OpenStreams();
        try {
            while (sink.open()) {
                ClusterSnapshot now = view.get();
                if (!now.services().containsKey(serviceId)) {
                    return;
                }
                for (Task t : oldestFirst(now.tasksOf(serviceId))) {
                    if (!followers.containsKey(t.id()) && t.nodeId() != null && followers.size() < MAX_FOLLOWED) {
                        Thread f = new Thread(() -> copyQuietly(t, now.nodes(), sink, open), "logs-" + t.id());
                        f.setDaemon(true);
                        followers.put(t.id(), f);
                        f.start();
                    }
                }
                Thread.sleep(NEW_TASK_POLL_MILLIS);
            }
        } finally {
            // Closing a stream ends its node's follower too, which watches its own reader.
            open.closeAll();
        }
    }

    private void copyQuietly(Task t, Map<String, Node> known, ChunkSink sink, OpenStreams open) {
        try {
            copy(t, known, sink, open);
        } catch (IOException e) {
            // the client went away, or the stream was closed at the end: the loop above ends either way
        }
    }

    /** The node streams being followed; once closed, a stream opened late is closed at once. */
    private static final class OpenStreams {
        private final List<InputStream> streams = new ArrayList<>();
        private boolean closed;

        synchronized boolean add(InputStream in) {
            if (closed) {
                closeQuietly(in);
                return false;
            }
            streams.add(in);
            return true;
        }

        synchronized void closeAll() {
            closed = true;
            streams.forEach(OpenStreams::closeQuietly);
            streams.clear();
        }

        private static void closeQuietly(InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already cut
            }
        }
    }

    /** One task's lines, prefixed, each written whole (followers share the sink); {@code open} tracks the stream. */
    private void copy(Task t, Map<String, Node> known, ChunkSink sink, OpenStreams open) throws IOException {
        Node node = t.nodeId() == null ? null : known.get(t.nodeId());
        if (node == null) {
            return; // never scheduled: no output anywhere
        }
        String prefix = t.name() + "." + Ids.shortId(t.id()) + "@" + node.hostname() + "    | ";
        String query = "?follow=" + follow + (tail >= 0 ? "&tail=" + tail : "") + (timestamps ? "&timestamps=true" : "");
        InputStream in;
        try {
            in = nodes.open(node, "/v1/tasks/" + t.id() + "/logs" + query, null);
        } catch (ClusterException e) {
            if (e.status() != 404) {
                LOG.debug("logs of task {}: {}", t.id(), e.getMessage());
                write(sink, "trellis: logs of " + t.name() + "." + Ids.shortId(t.id()) + " unavailable: "
                        + e.getMessage() + "\n");
            }
            return;
        }
        if (!open.add(in)) {
            return;
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                int space = timestamps ? line.indexOf(' ') : -1;
                // Docker's order: the time first, then which task said it.
                write(sink, space < 0 ? prefix + line + "\n"
                        : line.substring(0, space + 1) + prefix + line.substring(space + 1) + "\n");
            }
        }
    }

    private static void write(ChunkSink sink, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        synchronized (sink) {
            sink.write(bytes);
        }
    }

    private static List<Task> oldestFirst(List<Task> tasks) {
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparingInt(Task::slot).thenComparingLong(Task::createdAt));
        return sorted;
    }
}
