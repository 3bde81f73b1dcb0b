package io.trellis.lab;

import io.trellis.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * Runs one {@code trellis} command line and captures what it printed. The lab forms its cluster
 * through the CLI's own commands ({@code swarm init}, {@code join-token}, {@code join}), so it needs
 * no knowledge of the admin API behind them and exercises what users type.
 */
@FunctionalInterface
public interface TrellisCli {

    Result run(List<String> args);

    /** The exit code (0 ok, 1 user error, 2 unreachable or not ready, 3 internal) and both outputs. */
    record Result(int exitCode, String out, String err) {
        /** The first line of stderr, else of stdout: the CLI's one-line reason for a failure. */
        public String reason() {
            String text = err.isBlank() ? out : err;
            return text.strip().lines().findFirst().orElse("exit code " + exitCode);
        }
    }

    /** The CLI in this JVM ({@link Cli#execute}), not a new {@code java} process per command. */
    static TrellisCli inProcess() {
        return args -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new),
                    new LabCommand());
            return new Result(code, out.toString(), err.toString());
        };
    }
}
