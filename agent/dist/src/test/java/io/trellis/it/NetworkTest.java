package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.NetworkAddress;
import io.trellis.api.NetworkView;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.api.client.AdminClient;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code network create/ls/inspect/rm}, services on networks ({@code --network},
 * {@code service update --network-add/--network-rm}) and the ingress network of {@code swarm init},
 * through the CLI against one real agent. What the store allocates is the control plane's tests;
 * here it is what a user sees.
 */
@Tag("netns")
class NetworkTest {
    @TempDir
    Path dataDir;
    private AgentProcess agent;
    private AgentCli cli;

    @BeforeEach
    void startAgent() throws Exception {
        TestAgents.assumeTaskNamespaces();
        agent = TestAgents.start(dataDir);
        cli = TestAgents.cli(agent);
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null && agent.isAlive()) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }

    private <T> T json(TypeReference<T> type, String... args) {
        return Json.read(cli.ok(args).getBytes(StandardCharsets.UTF_8), type);
    }

    private List<NetworkView> inspect(String... networks) {
        String[] args = new String[networks.length + 2];
        args[0] = "network";
        args[1] = "inspect";
        System.arraycopy(networks, 0, args, 2, networks.length);
        return json(new TypeReference<List<NetworkView>>() { }, args);
    }

    /** The tasks of {@code web} that should run, with their networks and addresses. */
    private List<TaskView> liveTasks() {
        return json(new TypeReference<List<TaskView>>() { }, "service", "ps", "web", "--format", "json").stream()
                .filter(t -> t.desiredState().equals("Running")).toList();
    }

    private static List<String> networkNames(TaskView t) {
        return t.networks().stream().map(NetworkAddress::network).toList();
    }

    @Test
    void networksFromCreateToRemoveWithAServiceOnThem() throws Exception {
        // The pool flags reach the agent, which refuses a bad one before it creates anything.
        assertBad(cli.run("swarm", "init", "--default-addr-pool", "10.1.0.0/8"),
                "invalid --default-addr-pool: invalid subnet 10.1.0.0/8: host bits set (did you mean 10.0.0.0/8?)");
        assertBad(cli.run("swarm", "init", "--default-addr-pool", "10.0.0.0/16", "--default-addr-pool-mask-length", "30"),
                "invalid --default-addr-pool-mask-length 30: must be between 16 (the prefix length of 10.0.0.0/16)"
                        + " and 29");
        cli.ok("swarm", "init");

        // swarm init made the ingress network: the pool's first subnet, Docker's first VNI.
        String table = cli.ok("network", "ls");
        assertThat(table.lines().findFirst().orElseThrow()).matches("NETWORK ID\\s+NAME\\s+DRIVER\\s+SCOPE");
        assertThat(table).containsPattern("(?m)^[a-z0-9]{12}\\s+ingress\\s+overlay\\s+swarm$");
        NetworkView ingress = inspect("ingress").get(0);
        assertThat(ingress.subnet()).isEqualTo("10.0.0.0/24");
        assertThat(ingress.vni()).isEqualTo(4096);
        assertThat(ingress.ingress()).isTrue();

        String aId = cli.ok("network", "create", "-d", "overlay", "--subnet", "10.20.0.0/24", "--label", "team=x", "a")
                .strip();
        String bId = cli.ok("network", "create", "--opt", "encrypted", "b").strip();
        cli.ok("network", "create", "--subnet", "10.30.0.0/29", "small");
        assertThat(cli.ok("network", "ls", "-q").lines().toList())
                .containsExactlyInAnyOrder(aId.substring(0, 12), bId.substring(0, 12), ingress.id().substring(0, 12),
                        inspect("small").get(0).id().substring(0, 12));

        List<NetworkView> ab = inspect("a", bId);
        assertThat(ab).extracting(NetworkView::name, NetworkView::subnet, NetworkView::gateway, NetworkView::vni,
                NetworkView::encrypted).containsExactly(
                        tuple("a", "10.20.0.0/24", "10.20.0.1", 4097, false),
                        tuple("b", "10.0.1.0/24", "10.0.1.1", 4098, true));
        assertThat(ab.get(0).labels()).containsEntry("team", "x");
        assertThat(cli.ok("network", "inspect", "b")).doesNotContainIgnoringCase("key");

        // A service on two networks: a VIP on each, every task an address on each.
        assertThat(cli.ok("service", "create", "--name", "web", "--replicas", "2", "--network", "a",
                "--network", "name=b,alias=api", "img", "sleep", "600")).contains("verify: Service converged");
        ServiceView web = json(new TypeReference<List<ServiceView>>() { }, "service", "inspect", "web").get(0);
        assertThat(web.networks()).containsExactly("a", "b");
        assertThat(web.virtualIps()).containsExactly(new NetworkAddress("a", "10.20.0.2"),
                new NetworkAddress("b", "10.0.1.2"));
        List<TaskView> before = liveTasks();
        assertThat(before).hasSize(2).allSatisfy(t -> assertThat(networkNames(t)).containsExactly("a", "b"));
        assertThat(before.stream().map(t -> t.networks().get(0).address()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("10.20.0.3", "10.20.0.4");
        NodeView self = json(new TypeReference<List<NodeView>>() { }, "node", "inspect", "self").get(0);
        NetworkView a = inspect("a").get(0);
        assertThat(a.services()).containsExactly(new NetworkView.ServiceEndpoint("web", "10.20.0.2"));
        assertThat(a.peers()).containsExactly(new NetworkView.Peer("itest", self.address()));

        // dnsrr: no VIP.
        cli.ok("service", "create", "-d", "--name", "dns", "--replicas", "0", "--endpoint-mode", "dnsrr",
                "--network", "a", "img");
        assertThat(json(new TypeReference<List<ServiceView>>() { }, "service", "inspect", "dns").get(0).virtualIps())
                .isEmpty();
        assertThat(inspect("a").get(0).services()).containsExactly(new NetworkView.ServiceEndpoint("dns", ""),
                new NetworkView.ServiceEndpoint("web", "10.20.0.2"));
        cli.ok("service", "rm", "dns");

        // Bad input: one line, exit 1, and nothing changes.
        String networks = cli.ok("network", "ls", "--format", "json");
        String services = cli.ok("service", "ls", "--format", "json");
        assertBad(cli.run("network", "create", "a"), "network with name a already exists");
        assertBad(cli.run("network", "create", "--subnet", "10.20.0.128/25", "c"),
                "invalid subnet 10.20.0.128/25: it overlaps 10.20.0.0/24 of network a");
        assertBad(cli.run("network", "create", "--subnet", "10.0.0.128/25", "c"), "it overlaps 10.0.0.0/24 of network ingress");
        assertBad(cli.run("network", "create", "-o", "mtu=1400", "c"), "the overlay driver knows only encrypted");
        assertBad(cli.run("network", "create", "--driver", "bridge", "c"), "only overlay networks span the swarm");
        assertBad(cli.run("service", "create", "--name", "big", "--replicas", "10", "--network", "small", "img"),
                "network small (10.30.0.0/29) has 5 free addresses; service big needs 11 (10 tasks and a VIP)");
        assertBad(cli.run("service", "create", "--name", "x", "--network", "ghost", "img"), "network ghost not found");
        assertBad(cli.run("service", "create", "--name", "x", "--network", "ingress", "img"),
                "the ingress network ingress is only for published ports");
        assertBad(cli.run("service", "update", "--network-add", "ghost", "web"), "network ghost not found");
        assertBad(cli.run("service", "update", "--network-rm", "small", "web"),
                "service web is not attached to network small");
        assertBad(cli.run("network", "rm", "small", "a"), "network a is in use by service web");
        assertBad(cli.run("network", "rm", "ghost"), "network ghost not found");
        assertThat(cli.ok("network", "ls", "--format", "json")).isEqualTo(networks);
        assertThat(cli.ok("service", "ls", "--format", "json")).isEqualTo(services);

        // Off network b: the tasks are replaced by ones attached to a only; the VIP on a stays.
        // A short monitor: Docker's 5 s would only hold back the CLI's "converged" once the tasks are replaced.
        String update = cli.ok("service", "update", "--update-monitor", "500ms", "--network-rm", "b", "web");
        assertThat(update).startsWith("web\n").contains("web: overall progress: 2 out of 2 tasks")
                .endsWith("verify: Service converged\n");
        List<TaskView> after = liveTasks();
        assertThat(after).hasSize(2).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo("Running");
            assertThat(networkNames(t)).containsExactly("a");
        });
        Set<String> beforeIds = before.stream().map(TaskView::id).collect(Collectors.toSet());
        assertThat(after).noneMatch(t -> beforeIds.contains(t.id()));
        web = json(new TypeReference<List<ServiceView>>() { }, "service", "inspect", "web").get(0);
        assertThat(web.virtualIps()).containsExactly(new NetworkAddress("a", "10.20.0.2"));
        assertThat(inspect("b").get(0).services()).isEmpty();

        // rm: the service's tasks stop first; network rm waits for them rather than refusing.
        cli.ok("service", "rm", "web");
        assertThat(cli.ok("network", "rm", "a", "b")).isEqualTo("a\nb\n");
        AdminClient.Response deleted = AdminClient.forHost(agent.host).send("DELETE", "/networks/small", null);
        assertThat(deleted.status()).as(deleted.bodyText()).isEqualTo(200);
        assertThat(deleted.bodyText()).isEqualTo("[\"small\"]");
        assertThat(cli.ok("network", "ls", "-q")).isEqualTo(ingress.id().substring(0, 12) + "\n");
    }

    private static void assertBad(AgentCli.Result r, String mentions) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).contains(mentions).doesNotContain("\n").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }
}
