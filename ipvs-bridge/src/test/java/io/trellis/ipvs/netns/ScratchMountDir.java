package io.trellis.ipvs.netns;

import static io.trellis.ipvs.libc.LinuxConstants.MNT_DETACH;

import io.trellis.ipvs.Privileges;
import io.trellis.ipvs.libc.LibCHolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A directory under /run for namespace pins, removed with everything in it afterwards. /run rather
 * than a JUnit @TempDir: bind mounts fail on some overlay filesystems that hold /tmp.
 */
public final class ScratchMountDir implements AutoCloseable {

    private final Path dir;

    private ScratchMountDir(Path dir) {
        this.dir = dir;
    }

    /** Skips the calling test with one line unless this process may create namespaces. */
    public static ScratchMountDir createOrSkip() throws IOException {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(),
                () -> "needs root: " + Privileges.missingForNetns().orElseThrow());
        return new ScratchMountDir(Files.createDirectory(
                Path.of("/run", "trellis-test-" + UUID.randomUUID().toString().substring(0, 8))));
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Deletes every pin left in the directory, so one failed test does not break the next. */
    public void deleteAll() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                NetworkNamespace.delete(file);
            }
        }
    }

    /** Also undoes the self bind mount that {@link NetworkNamespace#create} puts on the directory. */
    @Override
    public void close() throws IOException {
        deleteAll();
        LibCHolder.LIBC.umount2(dir.toString(), MNT_DETACH); // fails harmlessly if never mounted
        Files.delete(dir);
    }
}
