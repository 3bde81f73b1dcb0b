package io.trellis.ipvs.netns;

import static io.trellis.ipvs.libc.LinuxConstants.EEXIST;
import static io.trellis.ipvs.libc.LinuxConstants.EINVAL;
import static io.trellis.ipvs.libc.LinuxConstants.ENOENT;
import static io.trellis.ipvs.libc.LinuxConstants.MNT_DETACH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibCHolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class NetworkNamespaceTest {

    private static ScratchMountDir scratch;

    // Made by the first test rather than in @BeforeAll, so that without root each test is
    // reported skipped with the reason, not the class aborted as one.
    @BeforeEach
    void createScratchDirOrSkip() throws IOException {
        if (scratch == null) {
            scratch = ScratchMountDir.createOrSkip();
        }
    }

    @AfterEach
    void deleteNamespaces() throws IOException {
        if (scratch != null) {
            scratch.deleteAll();
        }
    }

    @AfterAll
    static void removeScratchDir() throws IOException {
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    void createdNamespaceDiffersFromCallersAndIsEnteredByCall() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("a"));

        long pinned = Inodes.of(ns.path());
        assertThat(pinned).isNotEqualTo(Inodes.of(Inodes.THREAD_NETNS));
        assertThat(ns.call(() -> Inodes.of(Inodes.THREAD_NETNS))).isEqualTo(pinned);
    }

    @Test
    void processEnteringNamespaceSeesOnlyLoopback() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("a"));

        String devices = Commands.run("nsenter", "--net=" + ns.path(), "sh", "-c", "cat /proc/net/dev");

        // Two header lines, then "<name>: <counters>" per interface.
        List<String> names = devices.lines().skip(2)
                .map(line -> line.substring(0, line.indexOf(':')).trim())
                .collect(Collectors.toList());
        assertThat(names).containsExactly("lo");
    }

    @Test
    void callLeavesCallingThreadInItsNamespace() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("a"));
        long before = Inodes.of(Inodes.THREAD_NETNS);

        ns.call(() -> null);

        assertThat(Inodes.of(Inodes.THREAD_NETNS)).isEqualTo(before);
    }

    @Test
    void callRethrowsTheTasksOwnException() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("a"));
        IOException failure = new IOException("task failed");

        assertThatThrownBy(() -> ns.call(() -> {
            throw failure;
        })).isSameAs(failure);
    }

    @Test
    void openFindsNamespacePinnedByCreate() throws Exception {
        Path file = scratch.resolve("a");
        NetworkNamespace.create(file);

        NetworkNamespace opened = NetworkNamespace.open(file);

        assertThat(opened.call(() -> Inodes.of(Inodes.THREAD_NETNS))).isEqualTo(Inodes.of(file));
    }

    @Test
    void createRefusesPathOfExistingNamespace() throws Exception {
        Path file = scratch.resolve("a");
        long pinned = Inodes.of(NetworkNamespace.create(file).path());

        assertThatThrownBy(() -> NetworkNamespace.create(file))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(EEXIST))
                .hasMessage("create " + file + ": File exists (errno 17)");
        assertThat(Inodes.of(file)).as("the existing namespace is untouched").isEqualTo(pinned);
    }

    @Test
    void deleteRemovesFileAndIsIdempotent() throws Exception {
        Path file = scratch.resolve("a");
        NetworkNamespace.create(file);

        NetworkNamespace.delete(file);
        NetworkNamespace.delete(file);

        assertThat(file).doesNotExist();
        assertThat(mountinfoLinesMentioning(file)).isZero();
    }

    @Test
    void createWorksAgainAtPathOfDeletedNamespace() throws Exception {
        Path file = scratch.resolve("a");
        long first = Inodes.of(NetworkNamespace.create(file).path());
        NetworkNamespace.delete(file);

        NetworkNamespace again = NetworkNamespace.create(file);

        assertThat(again.call(() -> Inodes.of(Inodes.THREAD_NETNS))).isEqualTo(Inodes.of(file));
        assertThat(Inodes.of(file)).as("a new namespace, not the old one").isNotEqualTo(first);
    }

    @Test
    void unmountReachesCopyInSlaveMountNamespace() throws Exception {
        Path file = scratch.resolve("a");
        NetworkNamespace.create(file);
        // Like a container runtime: a private copy of all mounts, receiving but not sending events.
        Process holder = new ProcessBuilder("unshare", "--mount", "--propagation", "slave",
                "sh", "-c", "echo ready; exec sleep 60").start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                    .readLine()).isEqualTo("ready");
            Path holderMounts = Path.of("/proc", Long.toString(holder.pid()), "mountinfo");
            assertThat(mountsAt(holderMounts, file)).as("the copy pins the namespace").isOne();

            // Only the unmount half of delete(): its unlink would detach the copy by itself.
            assertThat(LibCHolder.LIBC.umount2(file.toString(), MNT_DETACH)).isZero();

            assertThat(mountsAt(holderMounts, file)).as("the unmount reached the copy").isZero();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void fiftyCreateDeleteCyclesLeakNoFilesOrMounts() throws Exception {
        Path file = scratch.resolve("cycle");
        // The first create also turns the directory into a mount point, which stays by design.
        NetworkNamespace.create(file);
        NetworkNamespace.delete(file);
        long files = fileCount(scratch.dir());
        long mounts = mountinfoLinesMentioning(scratch.dir());

        for (int i = 0; i < 50; i++) {
            NetworkNamespace.create(file).call(() -> null);
            NetworkNamespace.delete(file);
        }

        assertThat(fileCount(scratch.dir())).isEqualTo(files);
        assertThat(mountinfoLinesMentioning(scratch.dir())).isEqualTo(mounts);
    }

    @Test
    void openRejectsRegularFileWithEinval() throws Exception {
        Path plain = Files.createFile(scratch.resolve("plain"));

        assertThatThrownBy(() -> NetworkNamespace.open(plain))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.errno()).isEqualTo(EINVAL);
                    assertThat(e.operation()).isEqualTo("setns into");
                    assertThat(e.target()).isEqualTo(plain.toString());
                })
                .hasMessage("setns into " + plain + ": Invalid argument (errno 22)");
    }

    @Test
    void openReportsMissingFileWithEnoent() {
        Path missing = scratch.resolve("missing");

        assertThatThrownBy(() -> NetworkNamespace.open(missing))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(ENOENT))
                .hasMessage("open " + missing + ": No such file or directory (errno 2)");
    }

    private static long fileCount(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static long mountinfoLinesMentioning(Path path) throws IOException {
        return mountsAt(Path.of("/proc/self/mountinfo"), path);
    }

    /** Mounts on {@code path} or below it; field 5 of a mountinfo line is the mount point. */
    private static long mountsAt(Path mountinfo, Path path) throws IOException {
        return Files.readAllLines(mountinfo).stream()
                .filter(line -> Path.of(line.split(" ")[4]).startsWith(path))
                .count();
    }
}
