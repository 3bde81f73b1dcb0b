package io.trellis.lab;

import io.trellis.cli.CliException;
import io.trellis.cli.DurationText;
import io.trellis.cli.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis lab ...}: a cluster of network namespaces on this host, for tests and demos. */
@Command(name = "lab", description = "Run nodes in network namespaces on this host (root).",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Exec.class, LabCommand.Status.class,
            LabCommand.Stop.class, LabCommand.Start.class, LabCommand.Partition.class, LabCommand.Heal.class})
public final class LabCommand {

    abstract static class LabVerb implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        Lab lab() {
            Lab.unavailableReason().ifPresent(r -> {
                throw CliException.user(r);
            });
            return new Lab(out());
        }

        @Override
        public final Integer call() throws Exception {
            try {
                return run();
            } catch (IllegalArgumentException e) { // the lab's one-line answer to bad input
                throw CliException.user(e.getMessage());
            } catch (java.io.IOException e) { // already one line naming the node and the step
                throw new CliException(CliException.INTERNAL, e.getMessage());
            }
        }

        abstract int run() throws Exception;
    }

    /** A verb acting on one node; an unknown node is refused before anything changes. */
    abstract static class NodeVerb extends LabVerb {
        @Parameters(index = "0", paramLabel = "NODE", description = "A lab node: node1, node2, ...")
        String node;
    }

    @Command(name = "up", description = "Create the lab: one namespace, underlay address and agent per node, all in one swarm.")
    static final class Up extends LabVerb {
        @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes (default ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--managers", defaultValue = "1",
                description = "How many of the nodes are managers, node1 first (default ${DEFAULT-VALUE}); keep it odd.")
        int managers;

        @Option(names = "--agent-flag", paramLabel = "[nodeN:]FLAG",
                description = "An extra agent flag for every node (--lb=ipvs) or one (node3:--dataplane=kernel);"
                        + " repeatable.")
        List<String> agentFlags = new ArrayList<>();

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
                description = "How long to wait for each agent to answer and for each swarm step (default"
                        + " ${DEFAULT-VALUE}; 10s to 30m): more on a slow or emulated host.")
        String timeout;

        @Override
        int run() throws IOException {
            LabPlan plan = new LabPlan(nodes, managers, agentFlags, DurationText.parse("--timeout", timeout));
            plan.quorumWarning().ifPresent(w -> {
                spec.commandLine().getErr().println(w);
                spec.commandLine().getErr().flush();
            });
            List<LabState.LabNode> up = lab().up(plan);
            Table table = new Table("NODE", "ROLE", "ADDRESS", "AGENT PID", "SOCKET");
            for (LabState.LabNode n : up) {
                table.row(n.name(), n.role(), n.address(), n.pid(), n.host());
            }
            out().println();
            table.print(out());
            out().println("lab is up; try: trellis node ls --host " + up.get(0).host());
            out().flush();
            return 0;
        }
    }

    @Command(name = "down", description = "Stop every lab agent and task and delete the lab's namespaces.")
    static final class Down extends LabVerb {
        @Override
        int run() throws IOException {
            lab().down();
            out().println("lab is down");
            out().flush();
            return 0;
        }
    }

    @Command(name = "exec", description = "Run a command in a node's namespace, with TRELLIS_HOST set to its agent.")
    static final class Exec extends LabVerb {
        @Parameters(index = "0", paramLabel = "NODE") String node;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD") List<String> command;

        @Override
        int run() throws IOException, InterruptedException {
            return lab().exec(node, command);
        }
    }

    @Command(name = "status", description = "Show each node's role, address, agent and whether it is partitioned.")
    static final class Status extends LabVerb {
        @Override
        int run() throws IOException {
            Optional<List<Lab.NodeStatus>> status = lab().status();
            if (status.isEmpty()) {
                out().println("the lab is not up");
                out().flush();
                return 0;
            }
            Table table = new Table("NODE", "ROLE", "ADDRESS", "AGENT", "NETWORK", "SOCKET");
            for (Lab.NodeStatus s : status.get()) {
                LabState.LabNode n = s.node();
                table.row(n.name(), n.role(), n.address(), s.agentRunning() ? "running (pid " + n.pid() + ")" : "stopped",
                        s.partitioned() ? "partitioned" : "connected", n.host());
            }
            table.print(out());
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop a node's agent: SIGTERM, or SIGKILL with --kill (its tasks keep running).")
    static final class Stop extends NodeVerb {
        @Option(names = "--kill", description = "SIGKILL instead of SIGTERM, like a crash.") boolean kill;

        @Override
        int run() throws IOException {
            lab().stop(node, kill);
            return 0;
        }
    }

    @Command(name = "start", description = "Restart a stopped node's agent with its data dir and flags; it rejoins its swarm.")
    static final class Start extends NodeVerb {
        @Override
        int run() throws IOException {
            lab().start(node);
            return 0;
        }
    }

    @Command(name = "partition", description = "Cut a node off the underlay (its link on the lab bridge goes down).")
    static final class Partition extends NodeVerb {
        @Override
        int run() throws IOException {
            lab().partition(node);
            return 0;
        }
    }

    @Command(name = "heal", description = "Reconnect a partitioned node to the underlay.")
    static final class Heal extends NodeVerb {
        @Override
        int run() throws IOException {
            lab().heal(node);
            return 0;
        }
    }
}
