package io.trellis.testing.agent;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code trellis --host HOST ...} in this JVM (through the entry point the caller hands in,
 * {@code io.trellis.dist.Main::execute}) and captures what a user would see.
 */
public final class AgentCli {
    /** The entry point: a command line in, an exit code out. */
    @FunctionalInterface
    public interface EntryPoint {
        int execute(PrintWriter out, PrintWriter err, String... args);
    }

    public record Result(int exitCode, String out, String err) {
    }

    private final EntryPoint main;
    private final String host;

    public AgentCli(EntryPoint main, String host) {
        this.main = main;
        this.host = host;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // -H is an option of the client command itself (node ls, swarm init, ...): after its two words.
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(Math.min(2, argv.size()), List.of("--host", host));
        int code = main.execute(new PrintWriter(out, true), new PrintWriter(err, true), argv.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs with {@code input} on standard input (commands that read a secret). */
    public Result runWithInput(String input, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** Runs and insists on success, returning stdout; fails with the command and its error line. */
    public String ok(String... args) {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("trellis " + String.join(" ", args) + " exited " + r.exitCode() + ": "
                    + r.err().strip());
        }
        return r.out();
    }
}
