package io.trellis.process.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxSpecTest {
    @TempDir
    Path dir;

    @Test
    void theSpecSurvivesTheCommandLineAndTheCommandKeepsItsOwnDashes() throws Exception {
        SandboxSpec spec = new SandboxSpec(false, new SandboxUser(1000, 100, "/home/web"),
                Set.of("CAP_NET_BIND_SERVICE", "CAP_CHOWN"), Path.of("/run/trellis/secrets/t1"), Path.of("/d/resolv"),
                List.of(Path.of("/var/lib/trellis"), Path.of("/run/trellis")),
                List.of(new SandboxSpec.Exposed(Path.of("/opt/t.jar"), Path.of("/run/trellis/classpath/0-t.jar"))),
                Path.of("/d/env"), List.of("sh", "-c", "echo -- --uid 0", "--cap"),
                List.of(SandboxSpec.TaskMount.bind(Path.of("/var/lib/trellis/volumes/db/_data"), Path.of("/data"), false),
                        SandboxSpec.TaskMount.tmpfs(Path.of("/cache"), false, 64L << 20),
                        SandboxSpec.TaskMount.bind(Path.of("/etc/ssl"), Path.of("/ssl"), true)));

        assertThat(SandboxSpec.parse(spec.toArgs())).isEqualTo(spec);
    }

    @Test
    void badArgumentsAreOneLine() {
        assertThatThrownBy(() -> SandboxSpec.parse(List.of("start", "--cap", "CAP_FLY", "--", "true")))
                .isInstanceOf(SandboxException.class).hasMessage("unknown capability CAP_FLY");
        assertThatThrownBy(() -> SandboxSpec.parse(List.of("join", "--uid", "0", "--")))
                .hasMessage("no command after --");
        assertThatThrownBy(() -> SandboxSpec.parse(List.of("run", "--", "true"))).hasMessageStartingWith("usage:");
        assertThatThrownBy(() -> SandboxSpec.parse(List.of("start", "--bind", "/a", "/b", "rx", "--", "true")))
                .hasMessage("a mount is ro or rw, not rx");
    }

    @Test
    void capabilitiesKeptAreTheDefaultMinusDropsPlusAdds() {
        assertThat(Capabilities.kept(List.of(), List.of())).containsExactly("CAP_NET_BIND_SERVICE");
        assertThat(Capabilities.kept(List.of("CAP_CHOWN"), List.of("CAP_NET_BIND_SERVICE")))
                .containsExactly("CAP_CHOWN");
        assertThat(Capabilities.kept(List.of("CAP_KILL"), List.of("ALL"))).containsExactly("CAP_KILL");
        assertThat(Capabilities.kept(List.of(), List.of("ALL"))).isEmpty();
    }

    @Test
    void usersResolveByNumberOrPasswdNameAndUnknownNamesAreRefused() throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
                broken line
                """);

        assertThat(SandboxUser.resolve(null, passwd)).isEqualTo(SandboxUser.NOBODY);
        assertThat(SandboxUser.resolve("www-data", passwd)).isEqualTo(new SandboxUser(33, 33, "/var/www"));
        assertThat(SandboxUser.resolve("33", passwd)).isEqualTo(new SandboxUser(33, 33, "/var/www"));
        assertThat(SandboxUser.resolve("1234:5", passwd)).isEqualTo(new SandboxUser(1234, 5, "/"));
        assertThat(SandboxUser.resolve("1234", passwd)).isEqualTo(new SandboxUser(1234, 1234, "/"));
        assertThatThrownBy(() -> SandboxUser.resolve("web", passwd)).isInstanceOf(SandboxException.class)
                .hasMessage("unknown user web");
    }
}
