package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.process.ProcessIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands the lab sends to form its cluster, against a CLI that records them. */
class ClusterFormationTest {
    private final List<String> commands = new ArrayList<>();
    private final Deque<TrellisCli.Result> scripted = new ArrayDeque<>();
    private final StringWriter out = new StringWriter();

    private final TrellisCli cli = args -> {
        commands.add(String.join(" ", args));
        if (!scripted.isEmpty()) {
            return scripted.poll();
        }
        if (args.contains("join-token")) {
            return ok("SWMTKN-1-digest-" + args.get(args.size() - 1) + "\n");
        }
        if (args.contains("join")) {
            return ok("This node joined a swarm as a " + (args.contains("SWMTKN-1-digest-manager") ? "manager" : "worker") + ".\n");
        }
        return ok("Swarm initialized: current node (abc) is now a manager.\n");
    };

    private static TrellisCli.Result ok(String out) {
        return new TrellisCli.Result(0, out, "");
    }

    private static List<LabState.LabNode> nodes(int count, int managers) {
        LabPlan plan = new LabPlan(count, managers);
        List<LabState.LabNode> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(new LabState.LabNode("node" + i, "trellis-node" + i, "172.30.0." + (10 + i),
                    "/run/trellis/lab/node" + i + ".sock", "/var/lib/trellis-lab/node" + i, plan.roleOf(i),
                    List.of("agent"), new AgentProcess(new ProcessIdentity(100 + i, 0))));
        }
        return nodes;
    }

    private void form(List<LabState.LabNode> nodes) throws Exception {
        new ClusterFormation(cli, new PrintWriter(out, true), LabPlan.DEFAULT_TIMEOUT).form(nodes);
    }

    @Test
    void node1InitsAndEveryOtherNodeJoinsThroughItsOwnAgentWithItsRolesToken() throws Exception {
        form(nodes(4, 3));

        assertThat(commands).containsExactly(
                "swarm init --host unix:///run/trellis/lab/node1.sock --advertise-addr 172.30.0.11",
                "swarm join-token --host unix:///run/trellis/lab/node1.sock -q manager",
                "swarm join --host unix:///run/trellis/lab/node2.sock --token SWMTKN-1-digest-manager"
                        + " --advertise-addr 172.30.0.12 172.30.0.11:2377",
                "swarm join --host unix:///run/trellis/lab/node3.sock --token SWMTKN-1-digest-manager"
                        + " --advertise-addr 172.30.0.13 172.30.0.11:2377",
                "swarm join-token --host unix:///run/trellis/lab/node1.sock -q worker",
                "swarm join --host unix:///run/trellis/lab/node4.sock --token SWMTKN-1-digest-worker"
                        + " --advertise-addr 172.30.0.14 172.30.0.11:2377");
        assertThat(out.toString()).contains("node3: This node joined a swarm as a manager.",
                "node4: This node joined a swarm as a worker.");
    }

    @Test
    void aSingleNodeOnlyInits() throws Exception {
        form(nodes(1, 1));
        assertThat(commands).containsExactly(
                "swarm init --host unix:///run/trellis/lab/node1.sock --advertise-addr 172.30.0.11");
    }

    @Test
    void aFailedJoinNamesTheNodeAndTheCliReasonButNotTheToken() {
        scripted.add(ok("Swarm initialized\n"));
        scripted.add(ok("SWMTKN-1-secret\n"));
        scripted.add(new TrellisCli.Result(1, "", "error: invalid join token 'SWMTKN-1-secret'\n"));

        assertThatThrownBy(() -> form(nodes(2, 1)))
                .hasMessage("node2: swarm join failed: error: invalid join token '<token>'");
    }

    @Test
    void anAgentThatIsNotReadyYetIsAskedAgain() throws Exception {
        scripted.add(new TrellisCli.Result(2, "", "error: the agent is still starting\n"));

        form(nodes(1, 1));

        assertThat(commands).hasSize(2).allMatch(c -> c.startsWith("swarm init ") && c.endsWith(" --advertise-addr 172.30.0.11"));
    }
}
