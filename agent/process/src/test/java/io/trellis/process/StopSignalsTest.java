package io.trellis.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StopSignalsTest {
    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void sigtermRunsTheStopActionAndTheCommandExitsWithItsOwnCode() throws Exception {
        BufferedReader out = start();
        child.toHandle().destroy(); // SIGTERM; Process.destroy would also close the pipe we read
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(rest(out)).containsExactly("stopping", "stopped", "returned");
    }

    @Test
    void sigintDoesTheSame() throws Exception {
        BufferedReader out = start();
        new ProcessBuilder("kill", "-INT", String.valueOf(child.pid())).start().waitFor();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(rest(out)).containsExactly("stopping", "stopped", "returned");
    }

    @Test
    void anExitFromElsewhereStillRunsTheStopActionOnce() throws Exception {
        BufferedReader out = start("exit", "3");
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(3);
        assertThat(rest(out)).containsSubsequence("stopping", "stopped").containsOnlyOnce("stopping");
    }

    @Test
    void aStopThatNeverEndsHoldsAnExitOnlyForTheLimit() throws Exception {
        BufferedReader out = start("hang");
        // The limit is 1 s; without it the child would live on with its stop action stuck.
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(4);
        assertThat(rest(out)).containsExactly("stopping");
    }

    private BufferedReader start(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), StoppableChild.class.getName()));
        argv.addAll(List.of(args));
        child = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        return out;
    }

    private static List<String> rest(BufferedReader out) throws IOException {
        return out.lines().toList();
    }
}
