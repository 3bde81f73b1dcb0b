package io.trellis.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.RestartPolicyOptions;
import io.trellis.stack.compose.ComposeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compose volumes as {@code --mount}s, and the repository's example stacks as the requests they make. */
class StackConverterTest {
    /** The repository's examples, from this module's directory (where Maven runs the tests). */
    private static final Path EXAMPLES = Path.of("../../examples");

    @TempDir
    Path dir;

    private static StackPlan plan(String stack, Path file) {
        return StackConverter.convert(stack, ComposeLoader.load(List.of(file), Map.of()).file());
    }

    private StackPlan plan(String yaml) throws IOException {
        Path file = dir.resolve("stack.yml");
        Files.writeString(file, yaml);
        return plan("s", file);
    }

    private static StackPlan.Service service(StackPlan plan, String key) {
        return plan.services().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void restartPolicyAndStopGracePeriodAreSentAsTheFlagsWouldBe() throws IOException {
        StackPlan p = plan("""
                services:
                  job:
                    image: trellis/job
                    stop_grace_period: 20s
                    deploy:
                      restart_policy: {condition: on-failure, delay: 2s, max_attempts: 3, window: 2m}
                """);

        assertThat(service(p, "job").request().restartPolicy())
                .isEqualTo(new RestartPolicyOptions("on-failure", "2s", 3, "2m"));
        assertThat(service(p, "job").request().stopGracePeriod()).isEqualTo("20s");
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void placementPreferencesAndContainerLabelsAreAppliedWithoutWarnings() throws IOException {
        StackPlan p = plan("""
                services:
                  web:
                    image: trellis/http
                    labels: {tier: front, team: a}
                    deploy:
                      labels: {owner: ops}
                      placement:
                        constraints: [node.role==worker]
                        preferences: [{spread: node.labels.dc}, {spread: node.labels.zone}]
                """);

        assertThat(service(p, "web").request().placementPreferences())
                .containsExactly("spread=node.labels.dc", "spread=node.labels.zone");
        assertThat(service(p, "web").request().container().labels()).containsExactly("team=a", "tier=front");
        assertThat(service(p, "web").request().labels()).containsOnlyKeys("owner", "com.docker.stack.namespace");
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void namedVolumesAreTheStacksAndBindsAndTmpfsAreAsWritten() throws IOException {
        StackPlan p = plan("""
                services:
                  db:
                    image: trellis/store
                    volumes:
                      - data:/var/lib/db
                      - shared:/shared:ro
                      - /etc/hosts:/etc/hosts2:ro
                      - {type: tmpfs, target: /cache}
                volumes:
                  data:
                  shared: {external: true}
                """);

        assertThat(service(p, "db").request().container().mounts()).containsExactly(
                "type=volume,source=s_data,target=/var/lib/db",
                "type=volume,source=shared,target=/shared,readonly",
                "type=bind,source=/etc/hosts,target=/etc/hosts2,readonly",
                "type=tmpfs,target=/cache");
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void theVotingAppOnTheProcessRuntime() {
        StackPlan p = plan("voting", EXAMPLES.resolve("voting-app/process-stack.yml"));

        assertThat(p.networks()).extracting(StackPlan.Network::name).containsExactlyInAnyOrder("voting_frontend",
                "voting_backend");
        assertThat(p.services()).extracting(StackPlan.Service::key).containsExactly("vote", "redis", "worker", "db",
                "result");
        assertThat(service(p, "vote").request().command()).containsExactly("trellis", "workload", "vote", "--port",
                "80", "--queue", "redis:6379");
        assertThat(service(p, "vote").request().publish())
                .containsExactly("published=5000,target=80,protocol=tcp,mode=ingress");
        assertThat(service(p, "result").request().publish())
                .containsExactly("published=5001,target=80,protocol=tcp,mode=ingress");
        assertThat(service(p, "worker").request().networks()).containsExactly("name=voting_frontend,alias=worker",
                "name=voting_backend,alias=worker");
        assertThat(service(p, "db").request().container().mounts())
                .containsExactly("type=volume,source=voting_db-data,target=/var/lib/votes");
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void theVotingAppWithDockerImagesHasTheSameTopology() {
        StackPlan docker = plan("voting", EXAMPLES.resolve("voting-app/docker-stack.yml"));
        StackPlan process = plan("voting", EXAMPLES.resolve("voting-app/process-stack.yml"));

        assertThat(docker.services()).extracting(StackPlan.Service::key)
                .containsExactlyElementsOf(process.services().stream().map(StackPlan.Service::key).toList());
        for (StackPlan.Service s : docker.services()) {
            StackPlan.Service twin = service(process, s.key());
            assertThat(s.request().networks()).as(s.key()).isEqualTo(twin.request().networks());
            assertThat(s.request().publish()).as(s.key()).isEqualTo(twin.request().publish());
            assertThat(s.request().container().mounts()).as(s.key()).hasSameSizeAs(twin.request().container().mounts());
        }
        assertThat(service(docker, "vote").request().image()).isEqualTo("dockersamples/examplevotingapp_vote");
    }

    @Test
    void drupalUsesAnExternalSecretItDoesNotCreate() {
        StackPlan p = plan("drupal", EXAMPLES.resolve("drupal-postgres/stack.yml"));

        assertThat(p.secrets()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("psql-pw");
            assertThat(s.data()).isNull();
        });
        assertThat(service(p, "postgres").request().container().secrets())
                .containsExactly("source=psql-pw,target=psql-pw,uid=0,gid=0,mode=0444");
        assertThat(service(p, "drupal").request().container().mounts()).hasSize(4)
                .allMatch(m -> m.startsWith("type=volume,source=drupal_drupal-"));
    }
}
