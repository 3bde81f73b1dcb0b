package io.trellis.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.stack.compose.ServiceDef.PortDef;
import io.trellis.stack.compose.ServiceDef.SecretUse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several files merged as {@code docker compose config} merges them, the checks of the whole, and the round trip. */
class ComposeLoaderTest {
    private static final String BASE = """
            services:
              web:
                image: web:1
                command: [serve, --port, "80"]
                environment: {A: "1", B: "2"}
                ports: ["8080:80", "9090:90"]
                networks: [front]
                secrets: [pw]
                cap_add: [NET_ADMIN]
                deploy:
                  replicas: 2
                  labels: {tier: front}
                  placement: {constraints: [node.role==worker]}
                  resources: {limits: {cpus: "1", memory: 128M}}
              db:
                image: db:1
                volumes: [data:/var/lib/db]
            networks:
              front: {driver_opts: {encrypted: ""}}
            volumes:
              data:
            secrets:
              pw: {file: ./pw.txt}
            """;
    private static final String OVERRIDE = """
            services:
              web:
                image: web:2
                command: [serve]
                environment: {B: "3", C: "4"}
                ports: [{target: 80, published: 8081}]
                secrets: [{source: pw, target: pw, mode: 0400}]
                cap_add: [SYS_TIME]
                deploy:
                  replicas: 5
                  labels: {owner: me}
                  resources: {limits: {memory: 256M}}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void laterFilesOverrideScalarsMergeMapsAndMergeListsByTarget() throws IOException {
        ComposeFile f = ComposeLoader.load(List.of(write("a.yml", BASE), write("b.yml", OVERRIDE)), Map.of()).file();
        ServiceDef web = f.services().get("web");
        assertThat(web.image()).isEqualTo("web:2");
        assertThat(web.command()).containsExactly("serve");
        assertThat(web.environment()).containsExactly(Map.entry("A", "1"), Map.entry("B", "3"), Map.entry("C", "4"));
        assertThat(web.ports()).containsExactly(new PortDef(80, 8081, "tcp", "ingress"),
                new PortDef(90, 9090, "tcp", "ingress"));
        assertThat(web.secrets()).containsExactly(new SecretUse("pw", "pw", null, null, 0400));
        assertThat(web.capAdd()).containsExactly("NET_ADMIN", "SYS_TIME");
        assertThat(web.networks()).containsOnlyKeys("front");
        assertThat(web.deploy().replicas()).isEqualTo(5);
        assertThat(web.deploy().labels()).containsEntry("tier", "front").containsEntry("owner", "me");
        assertThat(web.deploy().placement().constraints()).containsExactly("node.role==worker");
        assertThat(web.deploy().resources().limits().cpus()).isEqualTo("1");
        assertThat(web.deploy().resources().limits().memory()).isEqualTo("256M");
        assertThat(f.services().get("db").image()).isEqualTo("db:1");
    }

    @Test
    void theCanonicalFileReadsBackAsTheSameModel() throws IOException {
        ComposeFile merged = ComposeLoader.load(List.of(write("a.yml", BASE), write("b.yml", OVERRIDE)),
                Map.of()).file();
        String canonical = CanonicalYaml.write(merged);
        ComposeFile again = ComposeLoader.load(List.of(write("canonical.yml", canonical)), Map.of()).file();
        assertThat(again).isEqualTo(merged);
        assertThat(CanonicalYaml.write(again)).isEqualTo(canonical);
        assertThat(canonical).startsWith("networks:").contains("\n  web:\n").contains("mode: 0400");
    }

    @Test
    void dollarsSurviveTheRoundTripAndDotEnvFeedsVariables() throws IOException {
        write(".env", "TAG=7\nFROM_ENV=dotenv\n");
        Path f = write("a.yml", """
                services:
                  web:
                    image: "web:${TAG}"
                    command: ["echo", "$$HOME", "${FROM_ENV}"]
                """);
        ComposeFile loaded = ComposeLoader.load(List.of(f), Map.of("FROM_ENV", "shell")).file();
        assertThat(loaded.services().get("web").image()).isEqualTo("web:7");
        assertThat(loaded.services().get("web").command()).containsExactly("echo", "$HOME", "shell");
        String canonical = CanonicalYaml.write(loaded);
        assertThat(canonical).contains("$$HOME");
        assertThat(ComposeLoader.load(List.of(write("c.yml", canonical)), Map.of("HOME", "/root")).file())
                .isEqualTo(loaded);
    }

    @Test
    void referencesAreCheckedOnceMergedNamingWhereTheyAre() throws IOException {
        Path a = write("a.yml", "services:\n  web:\n    image: w\n    networks: [back]\n");
        assertThatThrownBy(() -> ComposeLoader.load(List.of(a), Map.of()))
                .hasMessage(a + ":4: services.web.networks[0]: network back is not defined under networks");
        Path b = write("b.yml", "networks:\n  back:\nservices:\n  web:\n    secrets: [pw]\n");
        assertThatThrownBy(() -> ComposeLoader.load(List.of(a, b), Map.of()))
                .hasMessage(b + ":5: services.web.secrets[0]: secret pw is not defined under secrets");
        Path c = write("c.yml", "services:\n  api:\n    environment: [A=1]\n");
        assertThatThrownBy(() -> ComposeLoader.load(List.of(c), Map.of()))
                .hasMessage(c + ":3: services.api: an image is required");
        Path d = write("d.yml", "services:\n  g:\n    image: g\n    deploy: {mode: global, replicas: 2}\n");
        assertThatThrownBy(() -> ComposeLoader.load(List.of(d), Map.of()))
                .hasMessageEndingWith("deploy.replicas can only be used with deploy.mode replicated");
        assertThatThrownBy(() -> ComposeLoader.load(List.of(dir.resolve("missing.yml")), Map.of()))
                .hasMessageStartingWith(dir.resolve("missing.yml") + ": cannot read");
    }
}
