package io.trellis.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The body of a {@code trellis exec} reply: frames of {@code [kind:1][0:3][length:4 big-endian][payload]},
 * the layout of Docker's multiplexed attach stream, so stdout and stderr stay apart through the relay. The
 * last frame is {@link #EXIT} with the command's exit status as a 4-byte payload; a reply without it was cut.
 */
public final class ExecStream {
    public static final byte STDOUT = 1;
    public static final byte STDERR = 2;
    public static final byte EXIT = 3;
    /** A one-line reason the command did not start or was stopped, before the exit frame. */
    public static final byte ERROR = 4;
    public static final int HEADER = 8;
    /** Bounds a frame a peer may announce, so a bad length cannot make the reader allocate much. */
    public static final int MAX_PAYLOAD = 1 << 20;

    private ExecStream() {
    }

    /** One frame carrying {@code len} bytes of {@code data} from {@code off}. */
    public static byte[] frame(byte kind, byte[] data, int off, int len) {
        byte[] out = new byte[HEADER + len];
        ByteBuffer.wrap(out).put(kind).put((byte) 0).put((byte) 0).put((byte) 0).putInt(len);
        System.arraycopy(data, off, out, HEADER, len);
        return out;
    }

    public static byte[] exit(int status) {
        return frame(EXIT, ByteBuffer.allocate(4).putInt(status).array(), 0, 4);
    }

    /** What a decoded stream is handed to. */
    public interface Receiver {
        void output(byte kind, byte[] data, int off, int len) throws IOException;

        void error(String message) throws IOException;

        void exit(int status) throws IOException;
    }

    /** Decodes frames written to it, however the bytes are split, and hands each to a {@link Receiver}. */
    public static final class Decoder extends OutputStream {
        private final Receiver receiver;
        private final byte[] header = new byte[HEADER];
        private int headerFill;
        private byte[] payload;
        private int payloadFill;

        public Decoder(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int end = off + len;
            while (off < end) {
                if (payload == null) {
                    int n = Math.min(HEADER - headerFill, end - off);
                    System.arraycopy(b, off, header, headerFill, n);
                    headerFill += n;
                    off += n;
                    if (headerFill == HEADER) {
                        int size = ByteBuffer.wrap(header, 4, 4).getInt();
                        if (size < 0 || size > MAX_PAYLOAD || header[0] < STDOUT || header[0] > ERROR) {
                            throw new IOException("malformed exec stream (frame kind " + header[0] + ", length "
                                    + size + ")");
                        }
                        payload = new byte[size];
                        payloadFill = 0;
                    }
                }
                if (payload != null) {
                    int n = Math.min(payload.length - payloadFill, end - off);
                    System.arraycopy(b, off, payload, payloadFill, n);
                    payloadFill += n;
                    off += n;
                    if (payloadFill == payload.length) {
                        deliver(header[0], payload);
                        payload = null;
                        headerFill = 0;
                    }
                }
            }
        }

        private void deliver(byte kind, byte[] data) throws IOException {
            if (kind == EXIT) {
                if (data.length != 4) {
                    throw new IOException("malformed exec stream (exit frame of " + data.length + " bytes)");
                }
                receiver.exit(ByteBuffer.wrap(data).getInt());
            } else if (kind == ERROR) {
                receiver.error(new String(data, java.nio.charset.StandardCharsets.UTF_8));
            } else {
                receiver.output(kind, data, 0, data.length);
            }
        }

        /** Whether the stream ended between frames (a cut inside one means the peer went away). */
        public boolean atFrameBoundary() {
            return payload == null && headerFill == 0;
        }
    }
}
