package io.trellis.agent.cli;

import io.trellis.agent.lab.Lab;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis lab ...}: a cluster of network namespaces on this host, for tests and demos. */
@Command(name = "lab", description = "Run nodes in network namespaces on this host (root).",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Exec.class})
public final class LabCommand {

    abstract static class LabVerb implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Lab lab() {
            Lab.unavailableReason().ifPresent(r -> {
                throw CliException.user(r);
            });
            return new Lab(spec.commandLine().getOut());
        }
    }

    @Command(name = "up", description = "Create the lab: one namespace, underlay address and agent per node.")
    static final class Up extends LabVerb {
        @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes (default ${DEFAULT-VALUE}).")
        int nodes;

        @Override
        public Integer call() throws IOException {
            if (nodes < 1 || nodes > Lab.NODES_MAX) {
                throw CliException.user("invalid --nodes " + nodes + ": must be between 1 and " + Lab.NODES_MAX);
            }
            lab().up(nodes);
            spec.commandLine().getOut().println("lab is up; try: trellis lab exec node1 -- trellis node ls");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "down", description = "Stop every lab agent and task and delete the lab's namespaces.")
    static final class Down extends LabVerb {
        @Override
        public Integer call() throws IOException {
            lab().down();
            spec.commandLine().getOut().println("lab is down");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "exec", description = "Run a command in a node's namespace, with TRELLIS_HOST set to its agent.")
    static final class Exec extends LabVerb {
        @Parameters(index = "0", paramLabel = "NODE") String node;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD") List<String> command;

        @Override
        public Integer call() throws IOException, InterruptedException {
            try {
                return lab().exec(node, command);
            } catch (IllegalArgumentException e) {
                throw CliException.user(e.getMessage());
            }
        }
    }
}
