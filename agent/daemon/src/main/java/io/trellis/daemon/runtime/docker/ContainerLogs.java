package io.trellis.daemon.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a container's stdout and stderr into the task's output log as the Engine streams them, so
 * {@code service logs} reads Docker tasks like process tasks. Ends with the container or at {@link #close}.
 */
final class ContainerLogs extends ResultCallback.Adapter<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerLogs.class);

    private final OutputStream out;

    private ContainerLogs(OutputStream out) {
        this.out = out;
    }

    /** @param sinceEpochSeconds 0 for everything; after an agent restart, from where the log stopped */
    static ContainerLogs follow(DockerClient docker, String containerId, Path log, int sinceEpochSeconds)
            throws IOException {
        OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ContainerLogs logs = new ContainerLogs(out);
        var cmd = docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(true);
        if (sinceEpochSeconds > 0) {
            cmd = cmd.withSince(sinceEpochSeconds);
        }
        cmd.exec(logs);
        return logs;
    }

    @Override
    public void onNext(Frame frame) {
        try {
            out.write(frame.getPayload());
            out.flush();
        } catch (IOException e) {
            LOG.warn("writing a container's output failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            out.close();
        }
    }
}
