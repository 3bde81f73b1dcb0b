package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.InfoView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {
    @TempDir
    Path dir;

    @Test
    void prettyNameIsUnquotedAsAShellWould() {
        assertThat(HostFacts.prettyName(List.of("NAME=\"Ubuntu\"", "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"", "ID=ubuntu")))
                .isEqualTo("Ubuntu 24.04.1 LTS");
        assertThat(HostFacts.prettyName(List.of("PRETTY_NAME='Alpine Linux v3.20'"))).isEqualTo("Alpine Linux v3.20");
        assertThat(HostFacts.prettyName(List.of("PRETTY_NAME=Debian"))).isEqualTo("Debian");
        assertThat(HostFacts.prettyName(List.of("PRETTY_NAME=\"Say \\\"hi\\\"\""))).isEqualTo("Say \"hi\"");
        assertThat(HostFacts.prettyName(List.of("NAME=Fedora", "PRETTY_NAME=\"\""))).isNull();
    }

    @Test
    void theFirstOsReleaseWithANameWinsElseLinux() throws Exception {
        Path etc = dir.resolve("etc-os-release");
        Path usr = Files.writeString(dir.resolve("usr-os-release"), "PRETTY_NAME=\"Fedora Linux 40\"\n");

        assertThat(HostFacts.operatingSystem(List.of(etc, usr))).isEqualTo("Fedora Linux 40");
        Files.writeString(etc, "ID=custom\n");
        assertThat(HostFacts.operatingSystem(List.of(etc, usr))).isEqualTo("Fedora Linux 40");
        Files.writeString(etc, "PRETTY_NAME=\"Custom 1\"\n");
        assertThat(HostFacts.operatingSystem(List.of(etc, usr))).isEqualTo("Custom 1");
        assertThat(HostFacts.operatingSystem(List.of(dir.resolve("none")))).isEqualTo("Linux");
    }

    @Test
    void architectureIsUnameMsName() {
        assertThat(HostFacts.architecture("amd64")).isEqualTo("x86_64");
        assertThat(HostFacts.architecture("aarch64")).isEqualTo("aarch64");
        assertThat(HostFacts.architecture("x86")).isEqualTo("i686");
    }

    @Test
    void thisHost() {
        InfoView.Host h = HostFacts.read(Path.of("/var/lib/trellis"));

        assertThat(h.kernelVersion()).isNotBlank().isEqualTo(System.getProperty("os.version"));
        assertThat(h.osType()).isEqualTo("linux");
        assertThat(h.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(h.memoryBytes()).isPositive();
        assertThat(h.dataDir()).isEqualTo("/var/lib/trellis");
    }
}
