package io.trellis.testing.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /**
     * {@code trellis exec --host HOST ARGS} as its own process, from this JVM's class path: exec writes the
     * command's raw bytes to the process's stdout and stderr, which an in-JVM CLI cannot capture.
     */
    public static Result execProcess(String host, String stdin, String... args) throws IOException,
            InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.trellis.dist.Main", "exec", "--host", host));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("trellis-exec", ".out");
        Path err = Files.createTempFile("trellis-exec", ".err");
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("trellis exec " + String.join(" ", args) + " did not end in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
