package io.trellis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.ipsec.esp.AesGcmProvider;
import io.trellis.testing.netns.ScratchNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code trellis vxlan-tunnel --key-file} as a user runs it: two processes in two namespaces sharing
 * one key file, a bad edit rejected on SIGHUP, a three-step rotation by SIGHUP, the ESP counters on
 * {@code /metrics} and on exit.
 */
@Tag("netns")
class EncryptedTunnelCommandTest {
    private static final String K1 = "6a1f0c0d3e5b47a88f2e5d6c7b8a9f10";
    private static final String K2 = "b7c6d5e4f3a2918070615243342516079f8e7d6c5b4a39281706f5e4d3c2b1a0";
    @RegisterExtension
    static final ScratchNamespaces NETNS = new ScratchNamespaces("tesp");
    private static String A;
    private static String B;

    private static Path dir;
    private static Path keyFile;
    private static Process a;
    private static Process b;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("trellis-esp-cli");
        keyFile = dir.resolve("tunnel.key");
        Files.writeString(keyFile, K1 + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------")); // KeyFile refuses wider modes
        ScratchNamespace nsA = NETNS.create("a");
        ScratchNamespace nsB = NETNS.create("b");
        NETNS.link(nsA, "ua", "172.29.7.1/24", nsB, "ub", "172.29.7.2/24");
        A = nsA.name();
        B = nsB.name();
        a = tunnel(A, "-Dtrellis.ipsec.rotation.interval=2s", "172.29.7.1", "172.29.7.2", "10.44.0.1/24", "a.log",
                "--metrics-addr", "127.0.0.1:0");
        b = tunnel(B, "-Dtrellis.ipsec.rotation.interval=12h", "172.29.7.2", "172.29.7.1", "10.44.0.2/24", "b.log");
        awaitLine("a.log", "tunnel up");
        awaitLine("b.log", "tunnel up");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : new Process[] {a, b}) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            sh("rm -rf " + dir);
        }
    }

    private static Process tunnel(String ns, String jvmOption, String local, String remote, String inner, String log,
                                  String... extra) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                ProcessHandle.current().info().command().orElseThrow(), "-Xmx128m", "-XX:+UseSerialGC", jvmOption,
                "-cp", System.getProperty("java.class.path"), TunnelMain.class.getName(), "vxlan-tunnel", "--vni", "42",
                "--local", local, "--remote", remote, "--tap", "te0", "--inner-addr", inner, "--key-file", keyFile.toString()));
        argv.addAll(List.of(extra));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    @Test
    void carriesTrafficRotatesKeysOnSighupAndReportsEspCounters() throws Exception {
        assertThat(log("a.log")).contains("mtu 1408").contains("ESP 172.29.7.1:4500 -> 172.29.7.2:4500")
                .contains(AesGcmProvider.status()); // which AES-GCM runs: the same answer as in this JVM
        sh("ip netns exec " + A + " ping -c 2 -i 0.2 -W 2 10.44.0.2");

        // A bad edit changes nothing: one line on stderr, traffic still flows.
        Files.writeString(keyFile, "not a key\n");
        hup(a);
        awaitLine("a.log", "keys not reloaded, the current ones stay: line 1 of key file");
        sh("ip netns exec " + A + " ping -c 1 -W 2 10.44.0.2");

        // docs/encryption.md §3: three edits, each followed by SIGHUP on both ends.
        for (String step : List.of(K1 + "\n" + K2 + "\n", K2 + "\n" + K1 + "\n", K2 + "\n")) {
            long reloadsA = count("a.log", "keys reloaded");
            long reloadsB = count("b.log", "keys reloaded");
            Files.writeString(keyFile, step);
            hup(a);
            hup(b);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> count("a.log", "keys reloaded") > reloadsA && count("b.log", "keys reloaded") > reloadsB);
            sh("ip netns exec " + A + " ping -c 2 -i 0.1 -W 2 10.44.0.2");
        }
        assertThat(log("a.log")).contains("keys reloaded: sending with key");

        Matcher m = Pattern.compile("metrics: http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(log("a.log"));
        assertThat(m.find()).isTrue();
        String metrics = sh("ip netns exec " + A + " bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + m.group(1)
                + "; printf \"GET /metrics HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n\" >&3; timeout 5 cat <&3'");
        assertThat(metrics).contains("trellis_esp_drops_total{reason=\"auth_failed\"} 0.0")
                .contains("trellis_esp_drops_total{reason=\"bad_spi\"} 0.0")
                .containsPattern("trellis_esp_packets_total\\{direction=\"encrypted\"\\} [1-9]");

        // No leader rotates a standalone tunnel's key: A (interval 2 s) says when it is due, once per
        // send key however often it checks; B (12 h) says nothing.
        awaitLine("a.log", "key rotation due: key ");
        // The behaviour under test is that nothing more is said over time: A checks every second, so
        // 2.5 s spans two more checks that must stay silent about the same key.
        Thread.sleep(2_500);
        List<String> reminders = log("a.log").lines().filter(l -> l.startsWith("key rotation due: key ")).toList();
        assertThat(reminders).doesNotHaveDuplicates().allMatch(l -> l.contains("(docs/encryption.md §3)"));
        assertThat(log("b.log")).doesNotContain("key rotation due");

        a.destroy(); // SIGTERM: counters on exit
        assertThat(a.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).isZero();
        assertThat(log("a.log")).containsPattern("esp: encrypted [1-9]\\d* packets")
                .contains("esp drops: truncated=0 bad_spi=0 replayed=0 too_old=0 auth_failed=0 malformed_trailer=0");
    }

    private static void hup(Process p) throws Exception {
        // The process is `ip netns exec … java`: ip execs java, so the PID is the JVM's.
        sh("kill -HUP " + p.pid());
    }

    private static String log(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    private static long count(String name, String text) throws IOException {
        return log(name).lines().filter(l -> l.contains(text)).count();
    }

    private static void awaitLine(String name, String text) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log(name).contains(text));
    }

    private static String sh(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
