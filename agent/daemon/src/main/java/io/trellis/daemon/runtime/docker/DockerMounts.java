package io.trellis.daemon.runtime.docker;

import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.TmpfsOptions;
import java.util.List;

/**
 * A task's {@code --mount}s as the Engine's {@code HostConfig.Mounts}: a volume is a Docker named volume of
 * the node (the Engine creates it on first use, filled from the image, and keeps it), a bind mount a bind
 * (a missing source fails the task with the Engine's words), a tmpfs a tmpfs.
 */
final class DockerMounts {
    private DockerMounts() {
    }

    static List<Mount> of(List<io.trellis.controlplane.store.Mount> mounts) {
        return mounts.stream().map(DockerMounts::of).toList();
    }

    private static Mount of(io.trellis.controlplane.store.Mount m) {
        Mount out = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
        return switch (m.type()) {
            case VOLUME -> out.withType(MountType.VOLUME).withSource(m.source());
            case BIND -> out.withType(MountType.BIND).withSource(m.source());
            case TMPFS -> m.tmpfsSizeBytes() > 0
                    ? out.withType(MountType.TMPFS).withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.tmpfsSizeBytes()))
                    : out.withType(MountType.TMPFS);
        };
    }
}
