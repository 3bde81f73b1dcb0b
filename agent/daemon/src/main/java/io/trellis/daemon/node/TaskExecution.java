package io.trellis.daemon.node;

import io.trellis.admin.ChunkSink;
import io.trellis.admin.StreamingBody;
import io.trellis.api.ExecStream;
import io.trellis.daemon.runtime.TaskRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code trellis exec} on the node that runs the task: starts the command in the task's sandbox, feeds it
 * the request's stdin, and streams its stdout and stderr as {@link ExecStream} frames, then its exit status.
 * When the reader goes away the command is killed: nothing runs on in a task unobserved.
 */
public final class TaskExecution implements StreamingBody {
    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);
    /** The status {@code docker exec} gives a command that could not be started. */
    static final int CANNOT_START = 126;
    private static final int READ_CHUNK = 16 * 1024;
    private static final long CLIENT_CHECK_MILLIS = 500;
    private static final long DRAIN_MILLIS = 2000;

    private final TaskRuntime runtime;
    private final String taskId;
    private final List<String> command;
    private final byte[] stdin;

    public TaskExecution(TaskRuntime runtime, String taskId, List<String> command, byte[] stdin) {
        this.runtime = runtime;
        this.taskId = taskId;
        this.command = List.copyOf(command);
        this.stdin = stdin;
    }

    @Override
    public void writeTo(ChunkSink sink) throws IOException, InterruptedException {
        Process p;
        try {
            p = runtime.exec(taskId, command);
        } catch (TaskRuntime.TaskStartException e) {
            sink.write(frame(ExecStream.ERROR, e.getMessage().getBytes(StandardCharsets.UTF_8)));
            sink.write(ExecStream.exit(CANNOT_START));
            return;
        }
        LOG.info("exec in task {}: {}", taskId, command.get(0));
        Object lock = new Object();
        Thread feeder = daemonThread("exec-stdin-" + taskId, () -> feed(p));
        Thread output = daemonThread("exec-stdout-" + taskId, () -> pump(p.getInputStream(), ExecStream.STDOUT, sink,
                lock, p));
        Thread errors = daemonThread("exec-stderr-" + taskId, () -> pump(p.getErrorStream(), ExecStream.STDERR, sink,
                lock, p));
        try {
            // A quiet command gives no write to fail: look for a reader that left between waits.
            while (!p.waitFor(CLIENT_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                if (!sink.open()) {
                    kill(p);
                }
            }
            // Output still in the pipes is sent; a background child holding them open is not waited for.
            output.join(DRAIN_MILLIS);
            errors.join(DRAIN_MILLIS);
            synchronized (lock) {
                sink.write(ExecStream.exit(p.exitValue()));
            }
        } finally {
            kill(p);
            feeder.interrupt();
        }
    }

    private void feed(Process p) {
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the command exited without reading all of it, as `head` does
        }
    }

    private static void pump(InputStream from, byte kind, ChunkSink sink, Object lock, Process p) {
        byte[] buf = new byte[READ_CHUNK];
        try (from) {
            for (int n; (n = from.read(buf)) > 0; ) {
                synchronized (lock) {
                    sink.write(ExecStream.frame(kind, buf, 0, n));
                }
            }
        } catch (IOException e) {
            kill(p); // the reader left (or the pipe broke): stop the command
        }
    }

    /** The command and what it started: exec'd commands run under nsenter, whose children outlive it otherwise. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static byte[] frame(byte kind, byte[] data) {
        return ExecStream.frame(kind, data, 0, data.length);
    }

    private static Thread daemonThread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
