package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.NetworkView;
import io.trellis.api.SecretView;
import io.trellis.api.ServiceView;
import io.trellis.testing.agent.AgentCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis stack} end to end on a real agent: a stack of two services on an overlay network with a file
 * secret deployed, redeployed with more replicas (a scale, nothing else) and a new image (a rolling update of that
 * service only), refused where an external network is missing (nothing created), pruned, and removed without a
 * trace.
 */
@Tag("netns")
class StackTest extends SwarmOfOneTest {
    private static final String STACK = """
            services:
              web:
                image: img
                command: [sleep, "600"]
                networks: [appnet]
                secrets: [{source: pw, target: password, mode: 0400}]
                deploy:
                  replicas: ${WEB_REPLICAS:-2}
                  labels: {tier: front}
              worker:
                image: img
                command: sleep 600
                networks: [appnet]
            networks:
              appnet:
                driver: overlay
            secrets:
              pw:
                file: ./pw.txt
            """;

    @TempDir
    Path project;

    @Test
    void deployRedeployAndRemoveAStack() throws Exception {
        Files.writeString(project.resolve("pw.txt"), "s3cret");
        Path file = Files.writeString(project.resolve("stack.yml"), STACK);

        assertThat(cli.ok("stack", "deploy", "-c", file.toString(), "demo").lines().toList()).containsExactly(
                "Creating network demo_appnet", "Creating secret demo_pw", "Creating service demo_web",
                "Creating service demo_worker");
        awaitRunning(Map.of("demo_web", 2, "demo_worker", 1));
        assertThat(cli.ok("stack", "ls")).containsPattern("NAME\\s+SERVICES\\n").containsPattern("demo\\s+2");
        assertThat(cli.ok("stack", "services", "demo")).containsPattern("demo_web\\s+replicated\\s+2/2\\s+img")
                .contains("demo_worker");
        assertThat(cli.ok("stack", "ps", "demo")).contains("demo_web.1").contains("demo_web.2")
                .contains("demo_worker.1");
        String inspect = cli.ok("service", "inspect", "demo_web");
        assertThat(inspect).contains("\"com.docker.stack.namespace\" : \"demo\"").contains("\"tier\" : \"front\"")
                .contains("\"secretName\" : \"demo_pw\"").contains("\"target\" : \"password\"")
                .contains("\"mode\" : 256");
        ServiceView web = services().stream().filter(s -> s.name().equals("demo_web")).findFirst().orElseThrow();
        assertThat(web.networks()).containsExactly("demo_appnet");
        assertThat(networks()).filteredOn(n -> n.name().equals("demo_appnet")).singleElement()
                .satisfies(n -> assertThat(n.labels()).containsEntry("com.docker.stack.namespace", "demo"));
        assertThat(secrets()).filteredOn(s -> s.name().equals("demo_pw")).singleElement()
                .satisfies(s -> assertThat(s.size()).isEqualTo(6));

        // The same file again changes nothing; more replicas is a scale and nothing else.
        assertThat(cli.ok("stack", "deploy", "-c", file.toString(), "demo")).isEmpty();
        Files.writeString(file, STACK.replace("${WEB_REPLICAS:-2}", "3"));
        assertThat(cli.ok("stack", "deploy", "-c", file.toString(), "demo").lines().toList())
                .containsExactly("Scaling service demo_web to 3");
        awaitRunning(Map.of("demo_web", 3, "demo_worker", 1));

        // A new image is a rolling update of that service only.
        Files.writeString(file, STACK.replace("${WEB_REPLICAS:-2}", "3")
                .replace("image: img\n    command: [sleep", "image: img:2\n    command: [sleep"));
        assertThat(cli.ok("stack", "deploy", "-c", file.toString(), "demo").lines().toList())
                .containsExactly("Updating service demo_web");
        assertThat(services()).filteredOn(s -> s.name().equals("demo_web")).singleElement()
                .satisfies(s -> assertThat(s.image()).isEqualTo("img:2"));
        awaitRunning(Map.of("demo_web", 3, "demo_worker", 1));

        // A missing external network: refused before anything is created.
        Path other = Files.writeString(project.resolve("other.yml"), """
                services:
                  a: {image: img, networks: [shared]}
                networks:
                  shared: {external: true}
                """);
        AgentCli.Result missing = cli.run("stack", "deploy", "-c", other.toString(), "other");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("network shared is declared as external, but could not be found");

        // --prune removes what the file no longer has.
        Files.writeString(file, STACK.replace("${WEB_REPLICAS:-2}", "3")
                .replace("image: img\n    command: [sleep", "image: img:2\n    command: [sleep")
                .replace("  worker:\n    image: img\n    command: sleep 600\n    networks: [appnet]\n", ""));
        assertThat(cli.ok("stack", "deploy", "--prune", "-c", file.toString(), "demo").lines().toList())
                .containsExactly("Removing service demo_worker");
        assertThat(cli.ok("stack", "services", "-q", "demo").lines()).hasSize(1);

        assertThat(cli.ok("stack", "rm", "demo").lines().toList()).containsExactly("Removing service demo_web",
                "Removing network demo_appnet", "Removing secret demo_pw");
        assertThat(services()).isEmpty();
        assertThat(networks()).extracting(NetworkView::name).containsExactly("ingress");
        assertThat(secrets()).isEmpty();
        assertThat(cli.ok("stack", "ls").strip()).isEqualTo("NAME   SERVICES");
        AgentCli.Result gone = cli.run("stack", "rm", "demo");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err().strip()).isEqualTo("error: nothing found in stack: demo");
    }

    private void awaitRunning(Map<String, Integer> wanted) {
        await().atMost(Duration.ofSeconds(60)).until(() -> services().stream()
                .filter(s -> wanted.containsKey(s.name()))
                .collect(Collectors.toMap(ServiceView::name, ServiceView::running)).equals(wanted));
    }

    private List<ServiceView> services() {
        return json(new TypeReference<List<ServiceView>>() { }, "service", "ls", "--format", "json");
    }

    private List<NetworkView> networks() {
        return json(new TypeReference<List<NetworkView>>() { }, "network", "ls", "--format", "json");
    }

    private List<SecretView> secrets() {
        return json(new TypeReference<List<SecretView>>() { }, "secret", "ls", "--format", "json");
    }

    private <T> T json(TypeReference<T> type, String... args) {
        return Json.read(cli.ok(args).getBytes(StandardCharsets.UTF_8), type);
    }
}
