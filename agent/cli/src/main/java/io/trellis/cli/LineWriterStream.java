package io.trellis.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Bytes in, whole UTF-8 lines out to a writer, flushed per line, so streamed output (logs) shows up
 * as it arrives and a multi-byte character split across chunks is never garbled.
 */
final class LineWriterStream extends OutputStream {
    private final PrintWriter out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineWriterStream(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        line.write(b);
        if (b == '\n') {
            out.write(line.toString(StandardCharsets.UTF_8));
            out.flush();
            line.reset();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public void close() {
        if (line.size() > 0) {
            out.write(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        out.flush();
    }
}
