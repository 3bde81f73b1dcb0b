package io.trellis.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.Json;
import io.trellis.cli.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Runs {@code trellis loadtest ...} as the trellis jar does (same parser, error lines and exit codes). */
final class Loadtest {
    /** What one command line printed and returned. */
    record Result(int exitCode, String out, String err) {
        /** The {@code --json} summary. */
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out, e);
            }
        }
    }

    private Loadtest() {
    }

    static Result run(String... args) {
        return run(Path.of("/nonexistent/lab.json"), args);
    }

    /** With the lab's state read from {@code labStateFile}. */
    static Result run(Path labStateFile, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        LoadtestCommand command = new LoadtestCommand();
        command.labStateFile = labStateFile;
        String[] argv = new String[args.length + 1];
        argv[0] = "loadtest";
        System.arraycopy(args, 0, argv, 1, args.length);
        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), argv, command);
        return new Result(code, out.toString(), err.toString());
    }
}
