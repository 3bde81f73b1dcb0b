package io.trellis.dist;

import io.trellis.cli.Cli;
import io.trellis.daemon.AgentCommand;
import io.trellis.lab.LabCommand;
import io.trellis.lab.demo.DemoCommand;
import io.trellis.loadtest.LoadtestCommand;
import io.trellis.stack.StackCommand;
import io.trellis.tunnel.VxlanTunnelCommand;
import io.trellis.workload.WorkloadCommand;
import java.io.PrintWriter;

/**
 * Entry point of the {@code trellis} jar: the CLI, the agent daemon, the lab and demo, the tools, workloads and
 * load tests.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 user error, 2 unreachable, 3 internal). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // Classes, not instances: a line builds (and instantiates) only the command it names.
        return Cli.execute(out, err, args, AgentCommand.class, LabCommand.class, DemoCommand.class,
                WorkloadCommand.class, LoadtestCommand.class, VxlanTunnelCommand.class, StackCommand.class);
    }
}
