package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.InfoView;
import io.trellis.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code trellis info}: Docker's layout for each swarm state, and the JSON of {@code --format json}. */
class InfoTextTest {
    private static final InfoView.Host HOST = new InfoView.Host("6.8.0-45-generic", "Ubuntu 24.04.1 LTS", "linux",
            "x86_64", 2, 8L << 30, "/var/lib/trellis");
    private static final InfoView.Network USERSPACE = new InfoView.Network("userspace", "userspace", "userspace",
            "userspace", 4789);

    private static InfoView view(String swarm, boolean manager, InfoView.Network network, InfoView.Member member) {
        return new InfoView(swarm, swarm.equals("inactive") ? "" : "n1abc", swarm.equals("inactive") ? "" : "c1xyz",
                "node1", manager, manager, "0.1.0", "process, docker", HOST, network, member);
    }

    private static InfoView activeManager() {
        return view("active", true, USERSPACE, new InfoView.Member("10.0.0.5",
                List.of("10.0.0.5:2377", "10.0.0.6:2377"), null, new InfoView.Cluster(2, 3, "10.0.0.0/8", 24, true),
                new InfoView.Raft(1000, 2000, 500, 7000)));
    }

    @Test
    void anActiveManagerShowsDockersSwarmBlockWithTheRaftTimings() {
        assertThat(InfoText.render(activeManager())).isEqualTo("""
                Server:
                 Server Version: 0.1.0
                 Swarm: active
                  NodeID: n1abc
                  Is Manager: true
                  ClusterID: c1xyz
                  Managers: 2
                  Nodes: 3
                  Default Address Pool: 10.0.0.0/8
                  SubnetSize: 24
                  Raft:
                   Election Timeout: 1s
                   Heartbeat Interval: 500ms
                   Request Timeout: 7s
                  Autolock Managers: true
                  Node Address: 10.0.0.5
                  Manager Addresses:
                   10.0.0.5:2377
                   10.0.0.6:2377
                 Runtimes: process docker
                 Network:
                  Load Balancer: userspace
                  Data Plane: userspace
                  Data Path Port: 4789
                 Kernel Version: 6.8.0-45-generic
                 Operating System: Ubuntu 24.04.1 LTS
                 OSType: linux
                 Architecture: x86_64
                 CPUs: 2
                 Total Memory: 8GiB
                 Name: node1
                 Trellis Data Dir: /var/lib/trellis
                """);
    }

    @Test
    void aWorkerShowsWhatDockerShowsForOne() {
        String text = InfoText.render(view("active", false, USERSPACE,
                new InfoView.Member("10.0.0.7", List.of("10.0.0.5:2377"), null, null, null)));

        assertThat(text).contains("""
                 Swarm: active
                  NodeID: n1abc
                  Is Manager: false
                  Node Address: 10.0.0.7
                  Manager Addresses:
                   10.0.0.5:2377
                 Runtimes: process docker
                """).doesNotContain("ClusterID", "Managers:", "Nodes:", "Raft:", "Autolock");
    }

    @Test
    void aManagerWithoutALeaderSaysSoAndCountsNothing() {
        String text = InfoText.render(view("active", true, USERSPACE, new InfoView.Member("10.0.0.5",
                List.of("10.0.0.5:2377"), "the swarm does not have a leader", null,
                new InfoView.Raft(400, 800, 200, 3000))));

        assertThat(text).contains("""
                  NodeID: n1abc
                  Error: the swarm does not have a leader
                  Is Manager: true
                  Raft:
                   Election Timeout: 400ms
                   Heartbeat Interval: 200ms
                   Request Timeout: 3s
                  Node Address: 10.0.0.5
                """).doesNotContain("Managers:", "Nodes:");
    }

    @Test
    void inactivePendingAndLockedAreDockersStates() {
        assertThat(InfoText.render(view("inactive", false, USERSPACE, null)))
                .contains(" Swarm: inactive\n Runtimes: process docker\n").doesNotContain("NodeID");
        assertThat(InfoText.render(view("locked", false, USERSPACE, null)))
                .contains(" Swarm: locked\n Runtimes:").doesNotContain("NodeID");
        assertThat(InfoText.render(view("starting", true, USERSPACE, new InfoView.Member("10.0.0.5", List.of(),
                null, null, null)))).contains(" Swarm: pending\n  NodeID: n1abc\n");
    }

    @Test
    void whatAutoChoseIsMarked() {
        String text = InfoText.render(view("inactive", false,
                new InfoView.Network("ipvs", "auto", "userspace", "auto", 4790), null));

        assertThat(text).contains("""
                 Network:
                  Load Balancer: ipvs (auto)
                  Data Plane: userspace (auto)
                  Data Path Port: 4790
                """);
    }

    @Test
    void anOlderAgentsAnswerWithoutTheNewBlocksStillRenders() {
        InfoView old = Json.read(("{\"swarm\":\"inactive\",\"hostname\":\"node1\",\"version\":\"0.0.9\","
                + "\"runtime\":\"process\"}").getBytes(StandardCharsets.UTF_8), InfoView.class);

        assertThat(InfoText.render(old)).isEqualTo("""
                Server:
                 Server Version: 0.0.9
                 Swarm: inactive
                 Runtimes: process
                 Name: node1
                """);
    }

    @Test
    void jsonIsOneObjectThatReadsBackAsTheView() throws Exception {
        InfoView v = activeManager();
        String json = InfoText.json(v);

        JsonNode tree = Json.MAPPER.readTree(json);
        assertThat(tree.isObject()).isTrue();
        assertThat(tree.at("/member/raft/requestTimeoutMillis").asLong()).isEqualTo(7000);
        assertThat(tree.at("/member/cluster/managers").asInt()).isEqualTo(2);
        assertThat(tree.at("/network/loadBalancer").asText()).isEqualTo("userspace");
        assertThat(Json.read(json.getBytes(StandardCharsets.UTF_8), InfoView.class)).isEqualTo(v);
    }
}
