package io.trellis.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.ContainerOptions;
import io.trellis.api.Json;
import io.trellis.api.RestartPolicyOptions;
import io.trellis.api.ServiceCreateRequest;
import io.trellis.api.ServiceView;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A redeploy's changes against a service as the cluster stores it (the shape of {@code service inspect}'s spec). */
class ServiceChangesTest {
    private static final String SPEC = """
            {"name": "s_web", "image": "img", "command": ["sleep", "600"], "env": ["A=1"], "replicas": 2,
             "mode": "REPLICATED", "constraints": [], "maxReplicasPerNode": 0,
             "networks": [{"target": "n1", "aliases": ["web"]}, {"target": "ing", "aliases": []}],
             "endpointMode": "VIP",
             "ports": [{"published": 8080, "target": 80, "protocol": "TCP", "mode": "INGRESS", "proxyProtocol": "NONE"}],
             "lbAlgorithm": "rr", "forceUpdate": 0,
             "container": {"runtime": null, "user": null, "capAdd": ["CAP_NET_ADMIN"], "capDrop": [],
               "resources": {"limitNanoCpus": 500000000, "limitMemoryBytes": 0, "reserveNanoCpus": 0,
                             "reserveMemoryBytes": 0},
               "healthCheck": {"test": ["CMD-SHELL", "true"], "intervalMillis": 5000, "timeoutMillis": 30000,
                               "startPeriodMillis": 0, "retries": 3},
               "secrets": [{"secretId": "x", "secretName": "s_pw", "target": "pw", "uid": 0, "gid": 0,
                            "mode": 292}]},
             "labels": {"com.docker.stack.namespace": "s"}}
            """;
    private static final Map<String, String> NAMES = Map.of("n1", "s_back", "n2", "s_front", "ing", "ingress");

    private static ServiceView current() {
        JsonNode spec = Json.read(SPEC.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
        return new ServiceView("id", "s_web", "replicated", 2, 2, "img", "", 0, 3, 0, 0, spec, List.of(), List.of());
    }

    private static ServiceCreateRequest wanted(String image, List<String> env, Integer replicas, List<String> networks,
                                               List<String> publish, ContainerOptions container) {
        return new ServiceCreateRequest("s_web", image, List.of("sleep", "600"), env, replicas, null, List.of(), null,
                networks, null, publish, null, container, Map.of("com.docker.stack.namespace", "s"));
    }

    private static ContainerOptions container(String cpus, String healthCmd, List<String> secrets) {
        return new ContainerOptions(null, null, List.of("net_admin"), List.of(), cpus, null, null, null, healthCmd,
                "5s", null, null, null, null, secrets);
    }

    private static final List<String> NETWORKS = List.of("name=s_back,alias=web");
    private static final List<String> PORTS = List.of("published=8080,target=80,protocol=tcp,mode=ingress");
    private static final List<String> SECRETS = List.of("source=s_pw,target=pw,uid=0,gid=0,mode=0444");

    private static ServiceChanges changes(ServiceCreateRequest wanted) {
        return ServiceChanges.of(current(), wanted, NAMES, Set.of("ing"));
    }

    @Test
    void theSameServiceChangesNothing() {
        assertThat(changes(wanted("img", List.of("A=1"), 2, NETWORKS, PORTS, container("0.5", "true", SECRETS)))
                .none()).isTrue();
    }

    @Test
    void replicasAreAScale() {
        ServiceChanges c = changes(wanted("img", List.of("A=1"), 5, NETWORKS, PORTS, container("0.5", "true", SECRETS)));
        assertThat(c.scaleTo()).isEqualTo(5);
        assertThat(c.update()).isNull();
        assertThat(c.unsupported()).isEmpty();
    }

    @Test
    void networksPortsSecretsHealthAndResourcesAreAnUpdate() {
        ServiceChanges c = changes(wanted("img", List.of("A=1"), 2,
                List.of("name=s_back,alias=web,alias=api", "name=s_front,alias=web"),
                List.of("target=81,protocol=udp,mode=host"), container("1", "false",
                        List.of("source=s_pw,target=pw,uid=0,gid=0,mode=0400"))));
        assertThat(c.unsupported()).isEmpty();
        assertThat(c.update().networkRm()).containsExactly("s_back");
        assertThat(c.update().networkAdd()).containsExactly("name=s_back,alias=web,alias=api", "name=s_front,alias=web");
        assertThat(c.update().publishRm()).containsExactly("8080:80/tcp");
        assertThat(c.update().publishAdd()).containsExactly("target=81,protocol=udp,mode=host");
        assertThat(c.update().secretRm()).containsExactly("s_pw");
        assertThat(c.update().secretAdd()).containsExactly("source=s_pw,target=pw,uid=0,gid=0,mode=0400");
        assertThat(c.update().container().healthCmd()).isEqualTo("false");
        assertThat(c.update().container().healthInterval()).isEqualTo("5000ms");
        assertThat(c.update().container().limitCpu()).isEqualTo("1");
    }

    @Test
    void whatNoRouteChangesIsListed() {
        ServiceChanges c = changes(wanted("img:2", List.of("A=2"), 2, NETWORKS, PORTS,
                container(null, "true", SECRETS)));
        assertThat(c.unsupported()).containsExactly("deploy.resources (taking a limit or reservation away)");
    }

    @Test
    void aNewImageAndEnvironmentAreOneRollingUpdate() {
        ServiceChanges c = changes(wanted("img:2", List.of("A=2", "B=1"), 2, NETWORKS, PORTS,
                container("0.5", "true", SECRETS)));
        assertThat(c.unsupported()).isEmpty();
        assertThat(c.update().image()).isEqualTo("img:2");
        assertThat(c.update().envAdd()).containsExactly("A=2", "B=1");
        assertThat(c.update().envRm()).isEmpty();
        assertThat(c.update().args()).isNull();
        assertThat(c.update().container().healthCmd()).isNull(); // unchanged: not sent
    }

    @Test
    void aRestartPolicyOrStopGracePeriodChangeIsOneUpdate() {
        ServiceCreateRequest base = wanted("img", List.of("A=1"), 2, NETWORKS, PORTS,
                container("0.5", "true", SECRETS));
        ServiceChanges c = changes(withRestart(base, new RestartPolicyOptions("on-failure", null, 3, "1m"), "20s"));
        assertThat(c.unsupported()).isEmpty();
        assertThat(c.scaleTo()).isNull();
        assertThat(c.update().restartPolicy())
                .isEqualTo(new RestartPolicyOptions("on-failure", "5000ms", 3, "60000ms"));
        assertThat(c.update().stopGracePeriod()).isEqualTo("20000ms");
        assertThat(c.update().image()).isNull();

        // Docker's defaults written out are what the cluster stores without them: nothing to change.
        assertThat(changes(withRestart(base, new RestartPolicyOptions("any", "5s", 0, "0s"), "0s")).none()).isTrue();
    }

    @Test
    void aStoredPolicyTheFileNoLongerSetsIsPutBack() {
        String stored = SPEC.replace("\"labels\":", "\"restartPolicy\": {\"condition\": \"NONE\","
                + " \"delayMillis\": 5000, \"maxAttempts\": 0, \"windowMillis\": 0}, \"labels\":");
        JsonNode spec = Json.read(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
        ServiceView view = new ServiceView("id", "s_web", "replicated", 2, 2, "img", "", 0, 3, 0, 0, spec, List.of(),
                List.of());
        ServiceChanges c = ServiceChanges.of(view, wanted("img", List.of("A=1"), 2, NETWORKS, PORTS,
                container("0.5", "true", SECRETS)), NAMES, Set.of("ing"));
        assertThat(c.update().restartPolicy()).isEqualTo(new RestartPolicyOptions("any", "5000ms", 0, "0ms"));
        assertThat(c.update().stopGracePeriod()).isNull();
    }

    @Test
    void placementPreferencesAndContainerLabelsAreOneUpdate() {
        String stored = SPEC.replace("\"labels\": {\"com", "\"preferences\": [{\"spread\": \"node.labels.zone\"}],"
                + " \"labels\": {\"com").replace("\"mode\": 292}]}", "\"mode\": 292}],"
                + " \"labels\": {\"tier\": \"front\", \"team\": \"a\"}}");
        JsonNode spec = Json.read(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
        ServiceView view = new ServiceView("id", "s_web", "replicated", 2, 2, "img", "", 0, 3, 0, 0, spec, List.of(),
                List.of());
        ServiceCreateRequest same = withPlacement(wanted("img", List.of("A=1"), 2, NETWORKS, PORTS,
                container("0.5", "true", SECRETS).withLabels(List.of("team=a", "tier=front"))),
                List.of("spread=node.labels.zone"));
        assertThat(ServiceChanges.of(view, same, NAMES, Set.of("ing")).none()).isTrue();

        ServiceCreateRequest next = withPlacement(wanted("img", List.of("A=1"), 2, NETWORKS, PORTS,
                container("0.5", "true", SECRETS).withLabels(List.of("tier=back"))),
                List.of("spread=node.labels.dc", "spread=node.labels.zone"));
        ServiceChanges c = ServiceChanges.of(view, next, NAMES, Set.of("ing"));
        assertThat(c.unsupported()).isEmpty();
        // An ordered list: all removed, then the file's added in order.
        assertThat(c.update().placementPrefRm()).containsExactly("spread=node.labels.zone");
        assertThat(c.update().placementPrefAdd()).containsExactly("spread=node.labels.dc", "spread=node.labels.zone");
        assertThat(c.update().containerLabelAdd()).containsExactly("tier=back");
        assertThat(c.update().containerLabelRm()).containsExactly("team");
    }

    private static ServiceCreateRequest withPlacement(ServiceCreateRequest r, List<String> preferences) {
        return new ServiceCreateRequest(r.name(), r.image(), r.command(), r.env(), r.replicas(), r.mode(),
                r.constraints(), r.maxReplicasPerNode(), r.networks(), r.endpointMode(), r.publish(), r.lbAlgorithm(),
                r.container(), r.labels(), r.updateConfig(), r.rollbackConfig(), r.restartPolicy(),
                r.stopGracePeriod(), preferences);
    }

    private static ServiceCreateRequest withRestart(ServiceCreateRequest r, RestartPolicyOptions restart,
                                                    String stopGrace) {
        return new ServiceCreateRequest(r.name(), r.image(), r.command(), r.env(), r.replicas(), r.mode(),
                r.constraints(), r.maxReplicasPerNode(), r.networks(), r.endpointMode(), r.publish(), r.lbAlgorithm(),
                r.container(), r.labels(), r.updateConfig(), r.rollbackConfig(), restart, stopGrace);
    }
}
