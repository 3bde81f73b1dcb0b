package io.trellis.agent;

import io.trellis.agent.cli.CliException;
import io.trellis.agent.cli.TrellisCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code trellis} jar: the CLI, the agent daemon and the built-in workloads. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 user error, 2 unreachable, 3 internal). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrellisCommand());
        cl.setOut(out);
        cl.setErr(err);
        // Everything after the image is the task's command, its flags included (like docker run).
        cl.getSubcommands().get("service").getSubcommands().get("create").setStopAtPositional(true);
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
