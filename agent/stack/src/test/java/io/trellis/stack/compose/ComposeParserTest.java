package io.trellis.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.stack.compose.DeployDef.Limits;
import io.trellis.stack.compose.ServiceDef.MountDef;
import io.trellis.stack.compose.ServiceDef.PortDef;
import io.trellis.stack.compose.ServiceDef.SecretUse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeParserTest {
    @TempDir
    Path dir;

    private ComposeFile parse(String yaml) {
        return parse(yaml, Map.of());
    }

    private ComposeFile parse(String yaml, Map<String, String> env) {
        return ComposeParser.parse(yaml, "docker-compose.yml", dir, env).file();
    }

    private String error(String yaml) {
        return error(yaml, Map.of());
    }

    private String error(String yaml, Map<String, String> env) {
        try {
            parse(yaml, env);
        } catch (ComposeException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void imageCommandEntrypointEnvironmentAndEnvFile() throws IOException {
        Files.writeString(dir.resolve("web.env"), "# comment\nFROM_FILE=1\nexport BOTH=file\nQUOTED=\"a b\"\n");
        ServiceDef web = parse("""
                services:
                  web:
                    image: nginx:1.25
                    command: sh -c 'echo "hi there"'
                    entrypoint: [/bin/tini, --]
                    env_file: web.env
                    environment:
                      - BOTH=explicit
                      - PLAIN
                      - FROM_SHELL
                  api:
                    image: api
                    environment:
                      A: "1"
                      B:
                """, Map.of("FROM_SHELL", "shell")).services().get("web");
        assertThat(web.image()).isEqualTo("nginx:1.25");
        assertThat(web.command()).containsExactly("sh", "-c", "echo \"hi there\"");
        assertThat(web.entrypoint()).containsExactly("/bin/tini", "--");
        assertThat(web.environment()).containsEntry("FROM_FILE", "1").containsEntry("BOTH", "explicit")
                .containsEntry("QUOTED", "a b").containsEntry("FROM_SHELL", "shell").containsEntry("PLAIN", null);
        ServiceDef api = parse("services: {api: {image: api, environment: {A: '1', B: }}}").services().get("api");
        assertThat(api.environment()).containsEntry("A", "1").containsEntry("B", null);
    }

    @Test
    void portsShortAndLong() {
        ServiceDef s = parse("""
                services:
                  web:
                    image: web
                    ports:
                      - "8080:80"
                      - "80"
                      - 5353:53/udp
                      - target: 443
                        published: 8443
                        protocol: tcp
                        mode: host
                      - {target: 9000}
                """).services().get("web");
        assertThat(s.ports()).containsExactly(new PortDef(80, 8080, "tcp", "ingress"),
                new PortDef(80, null, "tcp", "ingress"), new PortDef(53, 5353, "udp", "ingress"),
                new PortDef(443, 8443, "tcp", "host"), new PortDef(9000, null, "tcp", "ingress"));
    }

    @Test
    void networksListOrMapWithAliases() {
        ComposeFile f = parse("""
                services:
                  a: {image: a, networks: [front, back]}
                  b:
                    image: b
                    networks:
                      back:
                        aliases: [db, database]
                      front:
                networks:
                  front:
                  back: {driver: overlay, driver_opts: {encrypted: ""}, attachable: true, labels: [tier=back]}
                  outside: {external: true, name: shared-net}
                  legacy: {external: {name: old}}
                """);
        assertThat(f.services().get("a").networks()).containsExactly(Map.entry("front", List.of()),
                Map.entry("back", List.of()));
        assertThat(f.services().get("b").networks()).containsExactly(Map.entry("back", List.of("db", "database")),
                Map.entry("front", List.of()));
        assertThat(f.networks().get("back")).isEqualTo(new NetworkDef("overlay", Map.of("encrypted", ""), true, null,
                null, Map.of("tier", "back")));
        assertThat(f.networks().get("outside").external()).isTrue();
        assertThat(f.networks().get("outside").name()).isEqualTo("shared-net");
        assertThat(f.networks().get("legacy").name()).isEqualTo("old");
    }

    @Test
    void volumesShortAndLong() {
        ComposeFile f = parse("""
                services:
                  db:
                    image: db
                    volumes:
                      - data:/var/lib/db
                      - ./conf:/etc/db:ro
                      - /cache
                      - {type: tmpfs, target: /tmp}
                      - {type: bind, source: /srv, target: /srv, read_only: true}
                volumes:
                  data: {driver: local, labels: {backup: "yes"}}
                  old: {external: true}
                """);
        assertThat(f.services().get("db").volumes()).containsExactly(
                new MountDef("volume", "data", "/var/lib/db", false),
                new MountDef("bind", dir.resolve("conf").toString(), "/etc/db", true),
                new MountDef("volume", null, "/cache", false), new MountDef("tmpfs", null, "/tmp", false),
                new MountDef("bind", "/srv", "/srv", true));
        assertThat(f.volumes().get("data")).isEqualTo(new VolumeDef("local", null, null, null, Map.of("backup", "yes")));
        assertThat(f.volumes().get("old").external()).isTrue();
    }

    @Test
    void secretsShortAndLong() {
        ComposeFile f = parse("""
                services:
                  db:
                    image: db
                    secrets:
                      - db_pw
                      - source: api_key
                        target: key
                        uid: "1000"
                        gid: "1000"
                        mode: 0440
                secrets:
                  db_pw: {file: ./pw.txt}
                  api_key: {external: true, name: prod_api_key}
                """);
        assertThat(f.services().get("db").secrets()).containsExactly(new SecretUse("db_pw", null, null, null, null),
                new SecretUse("api_key", "key", 1000, 1000, 0440));
        assertThat(f.secrets().get("db_pw").file()).isEqualTo(dir.resolve("pw.txt").toString());
        assertThat(f.secrets().get("api_key")).isEqualTo(new SecretDef(null, true, "prod_api_key", null));
    }

    @Test
    void healthcheckStopGraceUserAndCapabilities() {
        ServiceDef s = parse("""
                services:
                  web:
                    image: web
                    healthcheck:
                      test: ["CMD", "curl", "-f", "http://localhost"]
                      interval: 1m30s
                      timeout: 10s
                      start_period: 5s
                      retries: 5
                    stop_grace_period: 20s
                    user: "1000:1000"
                    cap_add: [NET_ADMIN]
                    cap_drop: [ALL]
                    labels: {com.example.team: web}
                  shell:
                    image: shell
                    healthcheck: {test: "pg_isready || exit 1"}
                  off:
                    image: off
                    healthcheck: {disable: true}
                """).services().get("web");
        assertThat(s.healthcheck()).isEqualTo(new HealthcheckDef(List.of("CMD", "curl", "-f", "http://localhost"),
                "1m30s", "10s", "5s", 5, null));
        assertThat(s.stopGracePeriod()).isEqualTo("20s");
        assertThat(s.user()).isEqualTo("1000:1000");
        assertThat(s.capAdd()).containsExactly("NET_ADMIN");
        assertThat(s.capDrop()).containsExactly("ALL");
        assertThat(s.labels()).containsEntry("com.example.team", "web");
    }

    @Test
    void deployKeys() {
        DeployDef d = parse("""
                services:
                  web:
                    image: web
                    deploy:
                      mode: replicated
                      replicas: 3
                      endpoint_mode: dnsrr
                      labels: [com.example.tier=front]
                      placement:
                        constraints: [node.role==worker, "node.labels.zone!=a"]
                        preferences: [{spread: node.labels.zone}]
                        max_replicas_per_node: 2
                      update_config: {parallelism: 2, delay: 10s, failure_action: rollback, monitor: 5s,
                                      max_failure_ratio: 0.3, order: start-first}
                      rollback_config: {parallelism: 1, order: stop-first}
                      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
                      resources:
                        limits: {cpus: '0.50', memory: 256M}
                        reservations: {cpus: 0.25, memory: 64M}
                """).services().get("web").deploy();
        assertThat(d.mode()).isEqualTo("replicated");
        assertThat(d.replicas()).isEqualTo(3);
        assertThat(d.endpointMode()).isEqualTo("dnsrr");
        assertThat(d.labels()).containsEntry("com.example.tier", "front");
        assertThat(d.placement().constraints()).containsExactly("node.role==worker", "node.labels.zone!=a");
        assertThat(d.placement().preferences()).containsExactly("node.labels.zone");
        assertThat(d.placement().maxReplicasPerNode()).isEqualTo(2);
        assertThat(d.updateConfig()).isEqualTo(new DeployDef.UpdateConfig(2, "10s", "rollback", "5s", "0.3",
                "start-first"));
        assertThat(d.rollbackConfig().order()).isEqualTo("stop-first");
        assertThat(d.restartPolicy()).isEqualTo(new DeployDef.RestartPolicy("on-failure", "5s", 3, "2m"));
        assertThat(d.resources().limits()).isEqualTo(new Limits("0.50", "256M"));
        assertThat(d.resources().reservations()).isEqualTo(new Limits("0.25", "64M"));
    }

    @Test
    void buildIsIgnoredWithAWarningAndExtensionsAndAnchorsWork() {
        ComposeParser.Parsed p = ComposeParser.parse("""
                version: "3.8"
                x-common: &common
                  image: base
                  environment: {SHARED: "1"}
                services:
                  web:
                    <<: *common
                    build: .
                    x-note: anything
                  api:
                    <<: *common
                    image: api
                """, "stack.yml", dir, Map.of());
        assertThat(p.warnings()).containsExactly("stack.yml:8: services.web.build: ignored: stacks deploy images,"
                + " build them first");
        assertThat(p.file().services().get("web").image()).isEqualTo("base");
        assertThat(p.file().services().get("api").image()).isEqualTo("api");
        assertThat(p.file().services().get("api").environment()).containsEntry("SHARED", "1");
    }

    @Test
    void interpolation() {
        Map<String, String> env = Map.of("TAG", "1.2", "EMPTY", "", "PORT", "8080");
        ServiceDef s = parse("""
                services:
                  web:
                    image: "web:${TAG}"
                    command: ["$TAG", "${EMPTY:-dflt}", "${EMPTY-kept}", "${UNSET-unset}", "$${TAG}", "${UNSET:-${TAG}}",
                              "${TAG:+set}", "cost $$5"]
                    ports: ["${PORT}:80"]
                """, env).services().get("web");
        assertThat(s.image()).isEqualTo("web:1.2");
        assertThat(s.command()).containsExactly("1.2", "dflt", "", "unset", "${TAG}", "1.2", "set", "cost $5");
        assertThat(s.ports().get(0).published()).isEqualTo(8080);
    }

    @Test
    void aRequiredVariableThatIsUnsetNamesFileLineAndKey() {
        assertThat(error("""
                services:
                  web:
                    image: "web:${TAG?set TAG to the release}"
                """)).isEqualTo("docker-compose.yml:3: services.web.image: required variable TAG is missing a value:"
                + " set TAG to the release");
        assertThat(error("services:\n  web:\n    image: \"${TAG:?}\"\n", Map.of("TAG", "")))
                .isEqualTo("docker-compose.yml:3: services.web.image: required variable TAG is missing a value");
        assertThat(error("services:\n  web:\n    image: \"a${b\"\n"))
                .startsWith("docker-compose.yml:3: services.web.image: invalid interpolation format");
    }

    @Test
    void errorsNameFileLineAndKeyPath() {
        assertThat(error("""
                services:
                  web:
                    image: web
                    ports:
                      - "80x"
                """)).isEqualTo("docker-compose.yml:5: services.web.ports[0]: invalid port \"80x\": expected"
                + " [PUBLISHED:]TARGET[/PROTOCOL]");
        assertThat(error("services:\n  web:\n    image: web\n    restart: always\n"))
                .isEqualTo("docker-compose.yml:4: services.web.restart: unknown key");
        assertThat(error("services:\n  web:\n    image: web\n    deploy:\n      replicas: many\n"))
                .isEqualTo("docker-compose.yml:5: services.web.deploy.replicas: invalid number \"many\": expected a"
                        + " whole number from 0 to 10000");
        assertThat(error("services:\n  web:\n    image: web\n    deploy: {resources: {limits: {memory: lots}}}\n"))
                .startsWith("docker-compose.yml:4: services.web.deploy.resources.limits.memory: invalid memory");
        assertThat(error("services:\n  web:\n    image: web\n    healthcheck: {interval: soon, test: x}\n"))
                .startsWith("docker-compose.yml:4: services.web.healthcheck.interval: invalid duration \"soon\"");
        assertThat(error("services:\n  web:\n    image: web\n    image: other\n"))
                .isEqualTo("docker-compose.yml:4: services.web.image: duplicate key");
        assertThat(error("services:\n  web:\n    image: [a]\n"))
                .isEqualTo("docker-compose.yml:3: services.web.image: expected a string, number or boolean, found a"
                        + " list");
        assertThat(error("configs: {}\nservices: {}\n")).isEqualTo("docker-compose.yml:1: configs: unknown key");
        assertThat(error("networks:\n  n: {driver: bridge}\nservices: {}\n"))
                .startsWith("docker-compose.yml:2: networks.n.driver: invalid value \"bridge\": expected overlay");
        assertThat(error("services:\n  w:\n    image: w\n    ports: [\"127.0.0.1:80:80\"]\n"))
                .endsWith("a host address is not supported in a swarm");
        assertThat(error("services:\n  w:\n    image: w\n    ports: [\"8000-8010:80\"]\n"))
                .endsWith("port ranges are not supported");
        assertThat(error("services:\n  w:\n    image: w\n    ports: [\"70000:80\"]\n"))
                .endsWith("a port is 1 to 65535");
        assertThat(error("secrets:\n  s: {name: x}\nservices: {}\n"))
                .isEqualTo("docker-compose.yml:2: secrets.s: a secret needs either file or external: true");
        assertThat(error("services:\n  w:\n    image: w\n    secrets: [{source: s, mode: 999}]\n"))
                .startsWith("docker-compose.yml:4: services.w.secrets[0].mode: invalid mode \"999\"");
        assertThat(error("services:\n  w:\n    image: w\n    volumes: [\"data:relative\"]\n"))
                .endsWith("must be an absolute path");
        assertThat(error("services:\n  w:\n    image: w\n    command: \"echo 'open\"\n"))
                .endsWith("unterminated single quote");
        assertThat(error("services:\n  w:\n   image: w\n  - x\n")).startsWith("docker-compose.yml:4: invalid YAML: ");
        assertThat(error("")).isEqualTo("docker-compose.yml: the file is empty");
        assertThat(error("services: !a%20 {}\n")).startsWith("docker-compose.yml: invalid YAML: ");
        assertThat(error("services:\n  \"bad name\": {image: x}\n")).startsWith("docker-compose.yml:2: services.bad"
                + " name: invalid name");
    }

    @Test
    void recursiveAliasesAndAliasBombsAreRefused() {
        assertThat(error("services:\n  w: &w {<<: *w, image: w}\n")).isEqualTo("docker-compose.yml:2: services.w:"
                + " nested more than 32 levels deep");
        StringBuilder bomb = new StringBuilder("x-0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 60; i++) {
            bomb.append("x-").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        bomb.append("services: {}\n");
        assertThat(error(bomb.toString())).contains("invalid YAML");
    }
}
