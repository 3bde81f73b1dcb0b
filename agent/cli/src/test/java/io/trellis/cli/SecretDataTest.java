package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretDataTest {
    private static final InputStream NO_STDIN = InputStream.nullInputStream();

    @TempDir
    Path dir;

    @Test
    void aFileOverTheLimitIsRefusedWithItsSizeBeforeItIsRead() throws Exception {
        Path big = Files.write(dir.resolve("big"), new byte[612_345]);

        assertThatThrownBy(() -> SecretData.read(big.toString(), NO_STDIN))
                .hasMessage("secret data is 612345 bytes; the limit is 512000 (500 KiB)");
    }

    @Test
    void anEmptyFileOrStdinIsRefused() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));

        assertThatThrownBy(() -> SecretData.read(empty.toString(), NO_STDIN)).hasMessage("secret data is empty");
        assertThatThrownBy(() -> SecretData.read("-", NO_STDIN)).hasMessage("secret data is empty");
    }

    @Test
    void stdinIsReadUpToTheLimitAndCountedBeyondIt() {
        byte[] max = new byte[SecretData.MAX_SIZE];
        max[max.length - 1] = 9;

        assertThat(SecretData.read("-", new ByteArrayInputStream(max))).isEqualTo(max);
        assertThatThrownBy(() -> SecretData.read("-", new ByteArrayInputStream(new byte[SecretData.MAX_SIZE + 1])))
                .hasMessage("secret data is 512001 bytes; the limit is 512000 (500 KiB)");
        assertThatThrownBy(() -> SecretData.read("-", new ByteArrayInputStream(new byte[700_000])))
                .hasMessage("secret data is 700000 bytes; the limit is 512000 (500 KiB)");
    }

    @Test
    void aFileWithinTheLimitIsRead() throws Exception {
        Path f = Files.write(dir.resolve("ok"), "hunter2".getBytes());

        assertThat(SecretData.read(f.toString(), NO_STDIN)).isEqualTo("hunter2".getBytes());
    }
}
