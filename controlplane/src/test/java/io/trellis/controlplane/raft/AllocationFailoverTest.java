package io.trellis.controlplane.raft;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAllocator;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Address allocation over a real three-replica Raft group: 200 rounds of network creates, service
 * creates, scales, task ends and removals, with the leader closed half-way. Every replica must end
 * with the same state, no address handed out twice, and every address in use held by a live object.
 */
class AllocationFailoverTest {
    @TempDir
    Path dir;

    private final TestPki pki = new TestPki("alloc");
    private final List<RaftReplica> replicas = new ArrayList<>();
    private final List<ClusterStore> stores = new ArrayList<>();
    private final Random random = new Random(42);

    @AfterEach
    void close() {
        CompletableFuture.allOf(replicas.stream().map(r -> CompletableFuture.runAsync(r::close))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void twoHundredCyclesWithALeaderKilledLeaveNoDuplicateAndNoLeak() throws Exception {
        List<RaftConfiguration.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(new RaftConfiguration.Peer("n" + i, "127.0.0.1:" + RaftReplicaTest.freePort()));
        }
        for (RaftConfiguration.Peer peer : peers) {
            RaftConfiguration config = RaftConfiguration.builder(peer.id(), peer.address(), dir.resolve(peer.id()))
                    .peers(peers).clusterId("alloc")
                    .electionTimeout(RaftReplicaTest.ELECTION_MIN, RaftReplicaTest.ELECTION_MAX)
                    .tls(pki.managerTls(peer.id())).build();
            ClusterStore store = new ClusterStore();
            stores.add(store);
            replicas.add(RaftReplica.start(config, store, new SimpleMeterRegistry()));
        }
        replicas.forEach(r -> r.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT));
        submit(new StoreOp.InitCluster(new ClusterInfo("c1", T0)), new StoreOp.PutNode(Fixtures.node("m1")));

        int killedAt = 100;
        RaftReplica killed = null;
        long now = T0;
        for (int cycle = 0; cycle < 200; cycle++) {
            now += 1_000;
            if (cycle == killedAt) {
                killed = leader();
                killed.close();
                RaftReplica gone = killed;
                await().atMost(10, TimeUnit.SECONDS).until(() -> replicas.stream()
                        .anyMatch(r -> r != gone && r.isLeader()));
            }
            step(cycle, now);
        }
        RaftReplica dead = killed;
        List<ClusterStore> live = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i) != dead) {
                live.add(stores.get(i));
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                live.get(0).view().index() == live.get(1).view().index());
        ClusterSnapshot a = live.get(0).view();
        ClusterSnapshot b = live.get(1).view();
        assertThat(b.networks()).isEqualTo(a.networks());
        assertThat(b.services()).isEqualTo(a.services());
        assertThat(b.tasks()).isEqualTo(a.tasks());
        assertThat(a.networks()).hasSizeGreaterThan(3);
        assertThat(a.tasks()).isNotEmpty();
        checkNoDuplicatesAndNoLeaks(a);
    }

    /** One cycle: sometimes a network or a service, a scale, tasks created, some running, some ended, a removal. */
    private void step(int cycle, long now) {
        ClusterSnapshot view = leaderStore().view();
        if (cycle % 20 == 0) {
            submit(new StoreOp.CreateNetwork("net" + cycle, new NetworkSpec("net" + cycle, "overlay",
                    cycle == 40 ? "10.0.9.0/24" : null, null, false, false, false, Map.of()), List.of(), now));
        }
        List<Network> networks = List.copyOf(leaderStore().view().networks().values());
        if (cycle % 7 == 0 && !networks.isEmpty()) {
            Network n = networks.get(random.nextInt(networks.size()));
            ServiceSpec spec = new ServiceSpec("svc" + cycle, "img", List.of("run"), List.of(), 1 + random.nextInt(4),
                    ServiceSpec.Mode.REPLICATED, List.of(), 0, List.of(new NetworkAttachmentSpec(n.id(), List.of())),
                    ServiceSpec.EndpointMode.VIP);
            submit(new StoreOp.CreateService(new Service("svc" + cycle, spec, 1, now, now)));
        }
        List<Service> services = List.copyOf(leaderStore().view().services().values());
        if (!services.isEmpty()) {
            Service s = services.get(random.nextInt(services.size()));
            submit(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withReplicas(random.nextInt(6)), now));
        }
        List<StoreOp> ops = new ReplicatedOrchestrator().reconcile(leaderStore().view(), now);
        for (Task t : leaderStore().view().tasks().values()) {
            if (t.status().state() == TaskState.PENDING && random.nextBoolean()) {
                ops.add(new StoreOp.AssignTask(t.id(), "m1", TaskStatus.of(TaskState.ASSIGNED, now, "scheduled")));
            } else if (t.status().state() == TaskState.ASSIGNED) {
                ops.add(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(random.nextInt(4) == 0 ? TaskState.FAILED
                        : TaskState.RUNNING, now, "reported")));
            } else if (t.desiredState() != TaskState.RUNNING && !t.status().state().isTerminal()) {
                ops.add(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.SHUTDOWN, now, "shutdown")));
            }
        }
        if (!ops.isEmpty()) {
            submit(ops.toArray(StoreOp[]::new));
        }
        if (cycle % 11 == 10 && !services.isEmpty()) {
            submit(new StoreOp.DeleteService(services.get(random.nextInt(services.size())).id()));
        }
        view.index(); // the cycle's start view is only read for its networks above
    }

    private static void checkNoDuplicatesAndNoLeaks(ClusterSnapshot s) {
        Set<Integer> vnis = new HashSet<>();
        List<Ipv4Subnet> subnets = new ArrayList<>();
        for (Network n : s.networks().values()) {
            assertThat(vnis.add(n.vni())).as("VNI " + n.vni() + " twice").isTrue();
            Ipv4Subnet subnet = Ipv4Subnet.parse(n.subnet());
            subnets.forEach(o -> assertThat(o.overlaps(subnet)).as(o + " overlaps " + subnet).isFalse());
            subnets.add(subnet);
        }
        Map<String, Set<String>> used = new HashMap<>();
        for (Service svc : s.services().values()) {
            svc.virtualIps().forEach(v -> {
                assertThat(s.networks()).containsKey(v.networkId());
                assertThat(used.computeIfAbsent(v.networkId(), k -> new HashSet<>()).add(v.address()))
                        .as("VIP " + v.address() + " twice").isTrue();
            });
        }
        for (Task t : s.tasks().values()) {
            if (!NetworkAllocator.holdsAddress(t)) {
                continue;
            }
            t.networks().forEach(a -> {
                Network n = s.networks().get(a.networkId());
                assertThat(n).as("network of task " + t.id()).isNotNull();
                assertThat(Ipv4Subnet.parse(n.subnet()).contains(Ipv4Subnet.parseAddress(a.address()))).isTrue();
                assertThat(a.address()).isNotEqualTo(n.gateway());
                assertThat(used.computeIfAbsent(a.networkId(), k -> new HashSet<>()).add(a.address()))
                        .as("address " + a.address() + " twice").isTrue();
            });
        }
        // No leak: what the allocator counts as used is exactly what live objects hold, plus gateways.
        for (Network n : s.networks().values()) {
            long held = used.getOrDefault(n.id(), Set.of()).size() + 1;
            long free = NetworkAllocator.used(n, s.services().values(), s.tasks().values(),
                    s.nodes().values()).free();
            assertThat(free).isEqualTo(Ipv4Subnet.parse(n.subnet()).size() - 2 - held);
        }
    }

    private void submit(StoreOp... ops) {
        StoreReply r = new StoreWriter(entry -> leader().propose(entry)).submit(new StoreBatch(List.of(ops)));
        // Rejections are fine (a service deleted meanwhile, a concurrent version): the state decides.
        assertThat(r).isNotNull();
    }

    private RaftReplica leader() {
        RaftReplica now = currentLeader();
        return now != null ? now : await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(this::currentLeader, r -> r != null);
    }

    private RaftReplica currentLeader() {
        return replicas.stream().filter(RaftReplica::isLeader).findFirst().orElse(null);
    }

    private ClusterStore leaderStore() {
        return stores.get(replicas.indexOf(leader()));
    }
}
