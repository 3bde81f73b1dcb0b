package io.trellis.ipvs.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a verification command (tests may use {@code ip}; the product never does). */
public final class Commands {

    private Commands() {
    }

    /** Runs {@code command} and returns its stdout, asserting it exits 0 within ten seconds. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as("exit of %s, output:%n%s", String.join(" ", command), output).isZero();
        return output;
    }
}
