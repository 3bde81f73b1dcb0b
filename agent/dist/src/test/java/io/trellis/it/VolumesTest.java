package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --mount} end to end on a real agent: a service with a named volume and a tmpfs, its volume on the
 * node ({@code volume ls/rm}, refused while in use), {@code service update --mount-add/--mount-rm} replacing
 * the task, and bad input that changes nothing.
 */
@Tag("netns")
class VolumesTest extends SwarmOfOneTest {
    @TempDir
    Path hostDir;

    @Test
    void aServiceWritesToItsVolumeWhichOutlivesItsTasksAndIsRemovedOnceUnused() throws Exception {
        bad("error: invalid --mount \"type=volume,source=data,target=/run/secrets/x\": target /run/secrets/x is"
                + " where the secrets go: choose another path", "service", "create", "--name", "db", "--mount",
                "type=volume,source=data,target=/run/secrets/x", "img", "true");
        assertThat(cli.ok("service", "ls", "--format", "json").strip()).isEqualTo("[ ]");

        cli.ok("service", "create", "--name", "db", "--mount", "type=volume,source=data,target=/tmp/data",
                "--mount", "type=tmpfs,target=/tmp/cache,tmpfs-size=1m", "img", "sh", "-c",
                "echo $TRELLIS_TASK_ID >> /tmp/data/starts; cat /tmp/seen/hello >> /tmp/data/starts 2>/dev/null;"
                        + " exec sleep 600");
        TaskView first = running(null);
        Path volume = dataDir.resolve("volumes/data/_data");
        await().atMost(Duration.ofSeconds(10)).until(() -> read(volume.resolve("starts")).contains(first.id()));
        assertThat(cli.ok("service", "inspect", "db")).contains("\"target\" : \"/tmp/cache\"")
                .contains("\"tmpfsSizeBytes\" : 1048576");
        assertThat(cli.ok("volume", "ls")).containsPattern("DRIVER\\s+VOLUME NAME").containsPattern("local\\s+data");
        bad("error: volume data is in use by task(s) " + first.id(), "volume", "rm", "data");
        bad("error: service db has no mount at /nope", "service", "update", "--mount-rm", "/nope", "db");

        Files.writeString(hostDir.resolve("hello"), "from the host\n");
        Files.setPosixFilePermissions(hostDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A short monitor: Docker's 5 s would only hold back the CLI's "converged" once the task is replaced.
        assertThat(cli.ok("service", "update", "--update-monitor", "500ms", "--mount-rm", "/tmp/cache", "--mount-add",
                "type=bind,src=" + hostDir + ",dst=/tmp/seen,ro", "db")).contains("verify: Service converged");
        TaskView second = running(first.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> read(volume.resolve("starts")).contains("from the host"));
        assertThat(read(volume.resolve("starts"))).isEqualTo(first.id() + "\n" + second.id() + "\nfrom the host\n");
        // The current spec's mounts (inspect also shows the previous spec, for rollback, which had the tmpfs).
        String mounts = Json.MAPPER.readTree(cli.ok("service", "inspect", "db")).get(0).path("spec").path("container")
                .path("mounts").toString();
        assertThat(mounts).doesNotContain("/tmp/cache").contains("\"/tmp/seen\"");

        cli.ok("service", "rm", "db");
        await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(dataDir.resolve("tasks").resolve(second.id())));
        assertThat(cli.ok("volume", "rm", "data").strip()).isEqualTo("data");
        assertThat(cli.ok("volume", "ls", "-q")).isEmpty();
        assertThat(dataDir.resolve("volumes/data")).doesNotExist();
        bad("error: no such volume: data", "volume", "rm", "data");
    }

    private void bad(String line, String... args) {
        AgentCli.Result r = cli.run(args);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(line);
    }

    private TaskView running(String notId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> tasks().stream()
                .filter(t -> t.desiredState().equals("Running") && t.state().equals("Running") && !t.id().equals(notId))
                .findFirst().orElse(null), t -> t != null);
    }

    private List<TaskView> tasks() {
        return Json.read(cli.ok("service", "ps", "db", "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
