package io.trellis.cli;

import io.trellis.api.ExecRequest;
import io.trellis.api.ExecStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trellis exec [-i] TASK -- COMMAND...}: runs a command inside a running task on whichever node runs
 * it, relayed by the manager, and exits with the command's status, as {@code docker exec} does.
 */
@Command(name = "exec", description = "Run a command inside a running task, on whichever node runs it.")
public final class ExecCommand extends ClientCommand {
    /** What the CLI exits with when the stream ended without the command's status. */
    static final int NO_STATUS = CliException.UNREACHABLE;

    @Option(names = {"-i", "--interactive"}, description = "Pass standard input to the command (up to 1 MiB, read"
            + " to its end before the command starts).")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Not supported: exec runs without a terminal.")
    boolean tty;

    @Parameters(index = "0", paramLabel = "TASK", description = "Task name (web.1), ID or unique ID prefix.")
    String task;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The program and its arguments.")
    List<String> command;

    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;

    public ExecCommand() {
        this(System.in, System.out, System.err);
    }

    ExecCommand(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() {
        if (tty) {
            throw CliException.user("-t is not supported: exec is relayed through the managers without a terminal;"
                    + " run without -t (with -i to pass standard input)");
        }
        if (command != null && !command.isEmpty() && command.get(0).equals("--")) {
            // After TASK everything is the command's (stop at positional), the separator included.
            command = command.subList(1, command.size());
        }
        if (command == null || command.isEmpty()) {
            throw CliException.user("no command given: trellis exec TASK -- COMMAND [ARG...]");
        }
        String input = null;
        if (interactive) {
            input = Base64.getEncoder().encodeToString(readInput());
        }
        Outcome outcome = new Outcome();
        out().flush();
        agent().streamPost("/tasks/" + URLEncoder.encode(task, StandardCharsets.UTF_8) + "/exec",
                new ExecRequest(command, input), new ExecStream.Decoder(outcome));
        stdout.flush();
        if (outcome.status == null) {
            throw new CliException(NO_STATUS, "the connection ended before the command did (its status is unknown)");
        }
        return outcome.status;
    }

    private byte[] readInput() {
        try {
            byte[] data = stdin.readNBytes(ExecRequest.MAX_STDIN_BYTES + 1);
            if (data.length > ExecRequest.MAX_STDIN_BYTES) {
                throw CliException.user("standard input is more than " + ExecRequest.MAX_STDIN_BYTES
                        + " bytes; exec -i passes at most that");
            }
            return data;
        } catch (IOException e) {
            throw CliException.user("cannot read standard input: " + e.getMessage());
        }
    }

    /** Writes the command's output where it belongs and keeps its status. */
    private final class Outcome implements ExecStream.Receiver {
        Integer status;

        @Override
        public void output(byte kind, byte[] data, int off, int len) throws IOException {
            // Raw bytes, not through picocli's writers: a command's output need not be text.
            OutputStream to = kind == ExecStream.STDERR ? stderr : stdout;
            to.write(data, off, len);
            to.flush();
        }

        @Override
        public void error(String message) {
            stderr.println("error: " + message);
            stderr.flush();
        }

        @Override
        public void exit(int code) {
            status = code;
        }
    }
}
