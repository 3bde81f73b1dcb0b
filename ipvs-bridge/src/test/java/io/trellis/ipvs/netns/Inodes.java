package io.trellis.ipvs.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Namespace identity as {@code ip netns identify} sees it: the inode behind a namespace file. */
public final class Inodes {

    public static final Path THREAD_NETNS = Path.of("/proc/thread-self/ns/net");

    private Inodes() {
    }

    /** The inode of {@code path}, following the /proc/.../ns/net magic link. */
    public static long of(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:ino");
    }
}
