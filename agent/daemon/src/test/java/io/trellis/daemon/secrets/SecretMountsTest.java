package io.trellis.daemon.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.SecretReference;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.ipvs.Privileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real tmpfs mounts under a temporary root: needs root, like the runtime. */
class SecretMountsTest {
    private static final byte[] PW = "pw-marker".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY = new byte[5000];

    @TempDir
    Path dir;

    private final NodeSecrets values = new NodeSecrets();
    private SecretMounts mounts;
    private SecretMounts other;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(), "needs root to mount tmpfs");
        KEY[4999] = 7;
        values.apply(new ClusterMessages.Assignments("s", true, List.of(), List.of(), List.of(), List.of(),
                Map.of("x1", b64(PW), "x2", b64(KEY)), List.of()));
        Path root = dir.resolve("secrets");
        mounts = new SecretMounts(root, "trellis-secrets-test", values, SystemTools.system());
        other = new SecretMounts(root, "trellis-secrets-other", values, SystemTools.system());
    }

    @AfterEach
    void unmountAll() {
        if (mounts != null) {
            for (String id : List.of("t1", "t2", "t3")) {
                mounts.unmount(id);
            }
        }
    }

    @Test
    void writesEachSecretWithItsOwnerAndModeOnAReadOnlyTmpfsOfItsOwn() throws Exception {
        Path d = mounts.mount(task("t1", ref("x1", "password", 1000, 50, 0400), ref("x2", "key", 0, 0, 0444)))
                .orElseThrow();

        assertThat(d).isEqualTo(dir.resolve("secrets/t1"));
        assertThat(Files.readAllBytes(d.resolve("password"))).isEqualTo(PW);
        assertThat(Files.readAllBytes(d.resolve("key"))).isEqualTo(KEY);
        assertThat(Files.getAttribute(d.resolve("password"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(d.resolve("password"), "unix:gid")).isEqualTo(50);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("password"))))
                .isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("key"))))
                .isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mounts.root())))
                .isEqualTo("rwx------");
        assertThat(mountLine(d)).as("a tmpfs tagged with its agent").contains(" - tmpfs trellis-secrets-test ")
                .contains(" ro,");
        assertThatThrownBy(() -> Files.writeString(d.resolve("password"), "changed")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Files.writeString(d.resolve("new"), "x")).isInstanceOf(IOException.class);
    }

    @Test
    void unmountRemovesTheTmpfsAndItsMountPoint() throws Exception {
        Path d = mounts.mount(task("t1", ref("x1", "pw", 0, 0, 0400))).orElseThrow();

        mounts.unmount("t1");

        assertThat(mountLine(d)).isEmpty();
        assertThat(d).doesNotExist();
        mounts.unmount("t1"); // twice is harmless
    }

    @Test
    void aTaskWithoutSecretsGetsNoMountAndAMissingValueIsOneLine() throws Exception {
        assertThat(mounts.mount(task("t1"))).isEmpty();
        assertThat(dir.resolve("secrets/t1")).doesNotExist();

        assertThatThrownBy(() -> mounts.mount(task("t2", ref("x1", "a", 0, 0, 0444), ref("nope", "b", 0, 0, 0444))))
                .isInstanceOf(IOException.class).hasMessage("secret name-nope was not sent to this node");
        assertThat(mountLine(dir.resolve("secrets/t2"))).isEmpty();
    }

    @Test
    void leftoversOfThisAgentAreRemovedAndOthersAreLeftAlone() throws Exception {
        Path kept = mounts.mount(task("t1", ref("x1", "pw", 0, 0, 0400))).orElseThrow();
        Path stale = mounts.mount(task("t2", ref("x1", "pw", 0, 0, 0400))).orElseThrow();
        Path foreign = other.mount(task("t3", ref("x1", "pw", 0, 0, 0400))).orElseThrow();

        mounts.removeLeftovers(Set.of("t1"));

        assertThat(mountLine(kept)).isNotEmpty();
        assertThat(mountLine(stale)).isEmpty();
        assertThat(stale).doesNotExist();
        assertThat(mountLine(foreign)).as("another agent's task").isNotEmpty();
        other.unmount("t3");
    }

    @Test
    void readsMountPointsWithEscapedCharacters() {
        MountTable t = MountTable.parse(List.of(
                "40 27 0:50 / /run/trellis/secrets/abc rw,relatime shared:5 - tmpfs trellis-secrets-n1 rw,size=8k",
                "41 27 0:51 / /tmp/a\\040b/x rw - tmpfs trellis-secrets-n1 rw",
                "42 27 0:52 / /run/trellis/secrets/def rw - tmpfs tmpfs rw"));

        assertThat(t.mountPoints(Path.of("/run/trellis/secrets"), "tmpfs", "trellis-secrets-n1"))
                .containsExactly(Path.of("/run/trellis/secrets/abc"));
        assertThat(t.isMountPoint(Path.of("/tmp/a b/x"))).isTrue();
    }

    private static String mountLine(Path mountPoint) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(mountPoint.toString())).findFirst().orElse("");
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static SecretReference ref(String id, String target, int uid, int gid, int mode) {
        return new SecretReference(id, "name-" + id, target, uid, gid, mode);
    }

    private static Task task(String id, SecretReference... refs) {
        return new Task(id, "s1", "web", 1, "n1", "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, 0, "assigned"), 0, List.of(),
                ContainerSpec.DEFAULT.withSecrets(List.of(refs)));
    }
}
