package io.trellis.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client call in a fresh JVM loads neither a logging framework nor the daemon, lab or workload commands. */
class CliStartupTest {

    private static List<String> loadedClasses(Path dir, String... args) throws IOException, InterruptedException {
        Path log = dir.resolve("classes.txt");
        List<String> argv = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(), "-Xshare:off",
                "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Files.readAllLines(log);
    }

    /** The loaded classes whose names start with one of {@code prefixes}. */
    private static List<String> matching(List<String> classes, String... prefixes) {
        return classes.stream().map(line -> line.replaceFirst("^\\S+ (\\S+) .*$", "$1"))
                .filter(name -> java.util.Arrays.stream(prefixes).anyMatch(name::startsWith)).toList();
    }

    @Test
    void nodeLsAgainstAMissingAgentLoadsOnlyTheClientSide(@TempDir Path dir) throws Exception {
        List<String> classes = loadedClasses(dir, "node", "ls", "-H", "unix://" + dir.resolve("none.sock"));

        assertThat(Files.readString(dir.resolve("out.txt"))).contains("cannot reach the Trellis agent");
        assertThat(matching(classes, "io.trellis.cli.NodeCommand$Ls")).isNotEmpty();
        assertThat(matching(classes, "ch.qos.logback", "org.slf4j", "io.trellis.daemon.AgentDaemon", "io.trellis.lab.LabCommand$",
                "io.trellis.workload.WorkloadSubcommand", "io.trellis.tunnel.TunnelDemo", "io.trellis.cli.ServiceCommand$"))
                .isEmpty();
    }

    @Test
    void versionNeedsNoParser(@TempDir Path dir) throws Exception {
        List<String> classes = loadedClasses(dir, "--version");

        assertThat(Files.readString(dir.resolve("out.txt"))).startsWith("trellis ");
        assertThat(matching(classes, "picocli.CommandLine$Model", "picocli.CommandLine$Help", "io.trellis.cli.NodeCommand$",
                "ch.qos.logback", "org.slf4j")).isEmpty();
    }
}
