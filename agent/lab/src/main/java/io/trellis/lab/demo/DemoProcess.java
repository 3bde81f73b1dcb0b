package io.trellis.lab.demo;

import io.trellis.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command the demo runs inside a namespace: its output and exit code, or one line when it hangs. */
record DemoProcess(int exit, String output) {

    /** Runs {@code argv} to its end, at most {@code limit}; {@code what} names it in the failure line. */
    static DemoProcess run(List<String> argv, String what, Duration limit) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliException(CliException.INTERNAL, "demo: " + what + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.INTERNAL, "demo: interrupted");
        }
        return new DemoProcess(p.exitValue(), output);
    }
}
