package io.trellis.admin;

import io.trellis.api.client.AdminHost;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The file behind a Unix listener: what to do with one left from before, and who may connect. */
final class UnixSocketFile {
    /** {@code sun_path} in {@code <sys/un.h>} holds 108 bytes including the terminating NUL. */
    private static final int MAX_PATH_BYTES = 107;

    private UnixSocketFile() {
    }

    /**
     * Makes {@code path} ready to bind: creates its directory, refuses when a live agent answers
     * there, and removes a stale socket an agent that died without closing left behind.
     */
    static void prepare(Path path) throws IOException {
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IOException("socket path " + path + " is longer than the " + MAX_PATH_BYTES
                    + " bytes a Unix socket path may have");
        }
        Files.createDirectories(path.getParent());
        SafeDirectory.check(path.getParent(), "socket directory");
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(path + " exists and is not a socket; remove it or choose another --host");
        }
        if (answers(path)) {
            throw new IOException("another agent is already listening on " + new AdminHost.Unix(path));
        }
        Files.delete(path);
    }

    /**
     * Where to bind before the socket gets its mode: a new directory only we can enter, beside
     * {@code path}. A socket bound straight at {@code path} would take the process umask's mode
     * (often 0755: anyone may connect) until a chmod, which a local user could race.
     */
    static Path stagingDirectory(Path path) throws IOException {
        Path staging = path.resolveSibling(".b" + ProcessHandle.current().pid());
        if (staging.resolve("s").toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IOException("socket directory " + path.getParent() + " is too long to bind in: keep it under "
                    + (MAX_PATH_BYTES - 12) + " bytes");
        }
        if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
            try (var left = Files.list(staging)) {
                for (Path p : left.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(staging);
        }
        return Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Gives the socket bound at {@code bound} (in the staging directory) owner and group access,
     * like dockerd's {@code docker.sock} (mode 0660), then moves it to {@code path} and removes
     * the staging directory: the socket is reachable only once its mode is right.
     */
    static void publish(Path bound, Path path) throws IOException {
        Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-rw----"));
        Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(bound.getParent());
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
