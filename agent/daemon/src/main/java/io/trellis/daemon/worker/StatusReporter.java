package io.trellis.daemon.worker;

import io.trellis.controlplane.store.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends task status to the managers in batches (one log entry for many updates), keeping only the
 * newest status per task, and retries until the store took it: a report is never dropped.
 */
public final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final long RETRY_MILLIS = 500;

    private final StatusSink sink;
    private final Map<String, TaskStatus> pending = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public StatusReporter(StatusSink sink) {
        this.sink = sink;
        this.thread = new Thread(this::run, "status-reporter");
        this.thread.setDaemon(true);
    }

    public StatusReporter start() {
        thread.start();
        return this;
    }

    public synchronized void report(String taskId, TaskStatus status) {
        pending.put(taskId, status);
        notifyAll();
    }

    private void run() {
        while (running) {
            Map<String, TaskStatus> batch;
            synchronized (this) {
                while (running && pending.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                batch = new LinkedHashMap<>(pending);
                pending.clear();
            }
            if (!send(batch)) {
                requeue(batch);
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private boolean send(Map<String, TaskStatus> batch) {
        try {
            sink.send(batch);
            return true;
        } catch (Exception e) {
            LOG.warn("reporting {} task status(es) failed, will retry: {}", batch.size(), e.getMessage());
            return false;
        }
    }

    /** Puts unsent statuses back unless a newer one for the same task arrived meanwhile. */
    private synchronized void requeue(Map<String, TaskStatus> batch) {
        batch.forEach(pending::putIfAbsent);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
