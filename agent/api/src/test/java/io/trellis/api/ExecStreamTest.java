package io.trellis.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExecStreamTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final StringBuilder errors = new StringBuilder();
    private Integer status;

    private final ExecStream.Decoder decoder = new ExecStream.Decoder(new ExecStream.Receiver() {
        public void output(byte kind, byte[] data, int off, int len) {
            (kind == ExecStream.STDOUT ? out : err).write(data, off, len);
        }

        public void error(String message) {
            errors.append(message);
        }

        public void exit(int s) {
            status = s;
        }
    });

    @Test
    void framesSplitAnywhereDecodeToTheSameStreams() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] oops = "oops\n".getBytes(StandardCharsets.UTF_8);
        wire.writeBytes(ExecStream.frame(ExecStream.STDOUT, hello, 0, hello.length));
        wire.writeBytes(ExecStream.frame(ExecStream.STDERR, oops, 0, oops.length));
        wire.writeBytes(ExecStream.frame(ExecStream.STDOUT, hello, 1, 2));
        wire.writeBytes(ExecStream.exit(-3));
        byte[] bytes = wire.toByteArray();
        for (byte b : bytes) {
            decoder.write(b); // one byte at a time: the hardest split
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("helloel");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        assertThat(status).isEqualTo(-3);
        assertThat(decoder.atFrameBoundary()).isTrue();
    }

    @Test
    void anErrorFrameCarriesItsLine() throws IOException {
        byte[] why = "task t is not running".getBytes(StandardCharsets.UTF_8);
        decoder.write(ExecStream.frame(ExecStream.ERROR, why, 0, why.length));
        assertThat(errors).hasToString("task t is not running");
    }

    @Test
    void aFrameAnnouncingTooMuchOrAnUnknownKindIsRefused() {
        byte[] huge = {1, 0, 0, 0, 0x7f, 0, 0, 0};
        assertThrows(IOException.class, () -> decoder.write(huge, 0, huge.length));
        byte[] unknown = {9, 0, 0, 0, 0, 0, 0, 1};
        ExecStream.Decoder other = new ExecStream.Decoder(null);
        assertThrows(IOException.class, () -> other.write(unknown, 0, unknown.length));
    }
}
