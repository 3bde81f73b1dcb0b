package io.trellis.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SelfLauncherTest {
    private final SelfLauncher launcher = new SelfLauncher("/jdk/bin/java", "/t/trellis.jar");

    @Test
    void theLabStartsItsAgentsWithTheLaunchersDaemonFlags() throws Exception {
        // Surefire runs in the module directory: the launcher is two levels up.
        String script = Files.readString(Path.of("../../trellis"));
        Matcher m = Pattern.compile("(?s)\\nagent_flags=\\((.*?)\\)").matcher(script);
        assertThat(m.find()).as("agent_flags=(...) in ./trellis").isTrue();

        assertThat(Arrays.asList(m.group(1).trim().split("\\s+"))).isEqualTo(SelfLauncher.AGENT_JVM_FLAGS);
    }

    @Test
    void agentCommandBoundsMallocArenasAndRunsMainWithTheDaemonFlags() {
        List<String> command = launcher.agentCommand();

        assertThat(command).startsWith("env", "MALLOC_ARENA_MAX=2", "/jdk/bin/java")
                .endsWith("-cp", "/t/trellis.jar", SelfLauncher.MAIN_CLASS)
                .containsSubsequence(SelfLauncher.AGENT_JVM_FLAGS);
    }

    @Test
    void aTrellisTaskCommandRunsInThisJvmBinaryAndOthersAreLeftAlone() {
        assertThat(launcher.resolve(List.of("trellis", "workload", "http"))).startsWith("/jdk/bin/java")
                .endsWith(SelfLauncher.MAIN_CLASS, "workload", "http").contains("-Xmx64m");
        assertThat(launcher.resolve(List.of("sleep", "1"))).containsExactly("sleep", "1");
    }
}
