package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A secret end to end on a real agent: created from stdin, mounted into a task at /run/secrets with
 * its owner and mode, taken away, removed; afterwards no file the agent could have written holds the
 * value, and no tmpfs is left mounted.
 */
@Tag("netns")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsTest extends SwarmOfOneTest {
    private static final Path SECRETS_ROOT = Path.of("/run/trellis/secrets");
    private static final long SCAN_FILE_MAX = 50L << 20;
    private static final int SCAN_FILES_MAX = 1_000_000;
    /** Prints what a task sees of its secrets; the value itself only as a digest, so no log ever holds it. */
    private static final String PROBE = "for f in /run/secrets/*; do"
            + " echo \"file=${f##*/} $(stat -c 'mode=%a uid=%u gid=%g' \"$f\")"
            + " sha256=$(sha256sum < \"$f\" | cut -d' ' -f1)\";"
            + " done;"
            + " echo \"others=$(ls -A /run/trellis/secrets | wc -l)\"; grep ' /run/secrets ' /proc/self/mounts;"
            + " exec sleep 600";


    /** Last, only for speed: it stops the class's agent, which a test after it would have to start again. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aTaskReadsItsSecretsAndNoValueIsLeftOnDiskOrMounted() throws Exception {
        String marker = "trellis-secret-marker-" + UUID.randomUUID();
        String other = "trellis-secret-other-" + UUID.randomUUID();
        String id = cli.runWithInput(marker, "secret", "create", "db_pw", "-").out().strip();
        assertThat(id).matches("[a-z0-9]{25}");
        cli.runWithInput(other, "secret", "create", "api_key", "-");
        assertThat(cli.ok("secret", "ls")).containsPattern("ID\\s+NAME\\s+CREATED\\s+UPDATED")
                .containsPattern(id + "\\s+db_pw\\s+Less than a second ago").contains("api_key");
        String inspect = cli.ok("secret", "inspect", "db_pw");
        assertThat(inspect).contains("\"name\" : \"db_pw\"").contains("\"size\" : " + marker.length());
        assertNoValue(inspect, marker);

        // The task runs as the secret's owner: mode 0440 keeps it from anyone else, the default nobody included.
        cli.ok("service", "create", "--name", "probe", "--user", "1000:1000", "--secret",
                "source=db_pw,target=password,uid=1000,gid=1000,mode=0440", "img", "sh", "-c", PROBE);
        TaskView first = awaitRunning("probe", null);
        String sha = sha256(marker);
        await().atMost(Duration.ofSeconds(10)).until(() -> logs(first).contains("others="));
        assertThat(logs(first))
                .contains("file=password mode=440 uid=1000 gid=1000 sha256=" + sha)
                .contains("others=0")
                .containsPattern(" /run/secrets tmpfs ro[ ,]");
        assertThat(mountInfo()).as("the task's tmpfs on the host")
                .contains(" " + SECRETS_ROOT.resolve(first.id()) + " ");
        String serviceInspect = cli.ok("service", "inspect", "probe");
        assertThat(serviceInspect).contains("\"target\" : \"password\"").contains("\"secretName\" : \"db_pw\"");
        assertNoValue(serviceInspect, marker);

        AgentCli.Result inUse = cli.run("secret", "rm", "db_pw");
        assertThat(inUse.exitCode()).isEqualTo(1);
        assertThat(inUse.err().strip()).isEqualTo("error: secret db_pw is in use by service(s) probe");
        assertThat(cli.run("secret", "inspect", "nope").err().strip()).isEqualTo("error: no such secret: nope");

        // Adding a secret replaces the task; the old task's tmpfs goes with it.
        // A short monitor: Docker's 5 s would only hold back the CLI's "converged" once the task is replaced.
        assertThat(cli.ok("service", "update", "--update-monitor", "500ms", "--secret-add", "api_key", "probe"))
                .contains("verify: Service converged");
        TaskView second = awaitRunning("probe", first.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> logs(second).contains("others="));
        assertThat(logs(second)).contains("file=password mode=440").contains("file=api_key mode=444 uid=0 gid=0 sha256="
                + sha256(other));
        await().atMost(Duration.ofSeconds(10)).until(() -> !mountInfo().contains(first.id()));
        assertThat(SECRETS_ROOT.resolve(first.id())).doesNotExist();

        cli.ok("service", "rm", "probe");
        await().atMost(Duration.ofSeconds(15)).until(() -> !mountInfo().contains(second.id())
                && !Files.exists(dataDir.resolve("tasks").resolve(second.id())));
        assertThat(cli.ok("secret", "rm", "db_pw", "api_key")).contains("db_pw").contains("api_key");
        assertThat(cli.ok("secret", "ls", "--format", "json").strip()).isEqualTo("[ ]");

        assertThat(TestAgents.terminate(agent, Duration.ofSeconds(30))).isZero();
        assertThat(mountInfo()).doesNotContain(SECRETS_ROOT + "/");
        List<byte[]> values = List.of(marker, b64(marker), other).stream()
                .map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
        List<Path> found = new ArrayList<>();
        for (Path root : List.of(dataDir, Path.of("/tmp"), Path.of("/var"))) {
            if (root.equals(dataDir) || !dataDir.startsWith(root)) { // the data dir is usually under /tmp: once
                found.addAll(filesContaining(root, values));
            }
        }
        assertThat(found).as("files holding a secret's value").isEmpty();
    }

    @Test
    void aSecretOfTheLargestSizeGoesThroughTheLogAndOneByteMoreDoesNot() {
        String max = "x".repeat(500 * 1024);
        assertThat(cli.runWithInput(max, "secret", "create", "big", "-").exitCode()).isZero();
        AgentCli.Result over = cli.runWithInput(max + "y", "secret", "create", "bigger", "-");
        assertThat(over.exitCode()).isEqualTo(1);
        assertThat(over.err().strip()).isEqualTo("error: secret data is 512001 bytes; the limit is 512000 (500 KiB)");
        assertThat(cli.ok("secret", "inspect", "big")).contains("\"size\" : 512000");
        assertThat(cli.run("secret", "create", "big", "/dev/null").err()).contains("secret data is empty");
    }

    private List<TaskView> tasks(String service) {
        return Json.read(cli.ok("service", "ps", service, "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    private TaskView awaitRunning(String service, String notId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks(service).stream().anyMatch(t -> running(t, notId)));
        return tasks(service).stream().filter(t -> running(t, notId)).findFirst().orElseThrow();
    }

    private static boolean running(TaskView t, String notId) {
        return t.desiredState().equals("Running") && t.state().equals("Running") && !t.id().equals(notId);
    }

    /** The output lines of one task. */
    private String logs(TaskView t) {
        String prefix = t.name() + "." + t.id().substring(0, 12) + "@";
        return String.join("\n", cli.ok("service", "logs", "probe").lines().filter(l -> l.startsWith(prefix)).toList());
    }

    private static String mountInfo() throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo"));
    }

    private static void assertNoValue(String text, String value) {
        assertThat(text).doesNotContain(value).doesNotContain(b64(value));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(String s) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(sha.digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Regular files under {@code root} holding one of {@code needles}: links not followed, /var/lib/docker,
     * /var/cache and files over 50 MB skipped, at most a million files. Files that vanish or cannot
     * be read while we look are someone else's and skipped.
     */
    private static List<Path> filesContaining(Path root, List<byte[]> needles) throws IOException {
        List<Path> found = new ArrayList<>();
        int[] files = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                boolean skip = dir.startsWith("/var/lib/docker") || dir.startsWith("/var/cache")
                        || dir.startsWith("/proc") || dir.startsWith("/sys");
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (++files[0] > SCAN_FILES_MAX) {
                    return FileVisitResult.TERMINATE;
                }
                if (attrs.isRegularFile() && attrs.size() <= SCAN_FILE_MAX && contains(file, needles)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    /** Reads the file once, in 1 MiB chunks that overlap by the longest needle. */
    private static boolean contains(Path file, List<byte[]> needles) {
        byte[] buf = new byte[1 << 20];
        int overlap = needles.stream().mapToInt(n -> n.length - 1).max().orElse(0);
        int keep = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf, keep, buf.length - keep)) > 0; ) {
                int end = keep + n;
                for (byte[] needle : needles) {
                    if (indexOf(buf, end, needle) >= 0) {
                        return true;
                    }
                }
                keep = Math.min(overlap, end);
                System.arraycopy(buf, end - keep, buf, 0, keep);
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static int indexOf(byte[] hay, int end, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
