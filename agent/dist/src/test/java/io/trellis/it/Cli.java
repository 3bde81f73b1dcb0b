package io.trellis.it;

import io.trellis.dist.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code trellis ...} in-process against one agent and captures what a user would see. */
final class Cli {
    record Result(int exitCode, String out, String err) {
    }

    private final String host;

    Cli(String host) {
        this.host = host;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // -H is an option of the client command itself (node ls, swarm init, ...): after its two words.
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(Math.min(2, argv.size()), List.of("--host", host));
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), argv.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs with {@code input} on standard input (commands that read a secret). */
    Result runWithInput(String input, String... args) {
        java.io.InputStream saved = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** Runs and insists on success, returning stdout. */
    String ok(String... args) {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("trellis " + String.join(" ", args) + " exited " + r.exitCode() + ": " + r.err());
        }
        return r.out();
    }
}
