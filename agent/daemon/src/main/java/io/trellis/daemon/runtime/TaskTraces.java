package io.trellis.daemon.runtime;

import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every runtime frees once a task stopped, whatever ran it: its overlay interfaces, its secrets tmpfs, the
 * pin of its network namespace and its process record. Its folder (logs) stays; each runtime frees its own rest.
 */
public final class TaskTraces {
    private static final Logger LOG = LoggerFactory.getLogger(TaskTraces.class);

    private final TaskDirectory dirs;
    private final Path netnsDir;
    private final TaskNetworking networking;
    private final SecretMounts secrets;

    public TaskTraces(TaskDirectory dirs, Path netnsDir, TaskNetworking networking, SecretMounts secrets) {
        this.dirs = dirs;
        this.netnsDir = netnsDir;
        this.networking = networking;
        this.secrets = secrets;
    }

    public void release(String taskId) {
        networking.detach(taskId);
        secrets.unmount(taskId);
        try {
            NetworkNamespace.delete(netnsDir.resolve(taskId));
            if (Files.isDirectory(dirs.dir(taskId))) {
                dirs.clearProcess(taskId);
            }
        } catch (IOException e) {
            LOG.warn("releasing task {} failed: {}", taskId, e.getMessage());
        }
    }
}
