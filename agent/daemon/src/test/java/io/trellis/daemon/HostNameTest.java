package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNameTest {
    @TempDir
    Path dir;

    @Test
    void theUtsNameIsTakenAsItIsWithoutResolvingIt() throws IOException {
        Path uts = Files.writeString(dir.resolve("hostname"), "vm1\n");

        assertThat(HostName.readFrom(uts)).isEqualTo("vm1");
    }

    @Test
    void aHostWithoutANameIsToldToGiveOne() throws IOException {
        Path uts = Files.writeString(dir.resolve("hostname"), "(none)\n");

        assertThatThrownBy(() -> HostName.readFrom(uts)).isInstanceOf(IOException.class)
                .hasMessage("this host has no hostname (" + uts + " says \"(none)\"): set one, or give the agent --hostname");
    }
}
