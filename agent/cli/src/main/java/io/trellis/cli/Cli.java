package io.trellis.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs one {@code trellis} command line. The client commands are always there; the entry point adds
 * the commands of the modules it ships (agent, lab, demo, workloads, vxlan-tunnel), as classes or
 * instances. Only the command a line names is built ({@link CommandSelection}).
 */
public final class Cli {
    private Cli() {
    }

    /** @return the exit code (0 ok, 1 user error, 2 unreachable, 3 internal) */
    public static int execute(PrintWriter out, PrintWriter err, String[] args, Object... moreCommands) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // The most frequent probe of a CLI needs no parser: picocli's set-up would be most of its cost.
            for (String line : new VersionProvider().getVersion()) {
                out.println(line);
            }
            out.flush();
            return 0;
        }
        List<Object> commands = new ArrayList<>(List.of(SwarmCommand.class, NodeCommand.class, ServiceCommand.class,
                NetworkCommand.class, VipCommand.class, ExecCommand.class, SecretCommand.class, VolumeCommand.class,
                InfoCommand.class));
        commands.addAll(List.of(moreCommands));
        CommandLine cl = new CommandLine(new TrellisCommand());
        for (Object command : CommandSelection.needed(args, commands)) {
            cl.addSubcommand(command);
        }
        cl.setOut(out);
        cl.setErr(err);
        CommandLine service = cl.getSubcommands().get("service");
        if (service != null) {
            // Everything after the image is the task's command, its flags included (like docker run).
            service.getSubcommands().get("create").setStopAtPositional(true);
        }
        CommandLine exec = cl.getSubcommands().get("exec");
        if (exec != null) {
            exec.setStopAtPositional(true); // the command's own flags are not exec's
        }
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return CliException.USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException ce) {
                commandLine.getErr().println("error: " + ce.getMessage());
                return ce.exitCode();
            }
            commandLine.getErr().println("internal error: " + ex);
            if (System.getenv("TRELLIS_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return CliException.INTERNAL;
        });
        return cl.execute(args);
    }
}
