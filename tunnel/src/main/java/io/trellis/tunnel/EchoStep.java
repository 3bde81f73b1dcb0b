package io.trellis.tunnel;

import io.trellis.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * One traffic step of the demo: a message sent over TCP from one place (a network namespace) to an
 * echo server across the tunnel, and the echo required back within a deadline. Traffic that does not
 * arrive ends the demo with one line saying which step and what was missing, exit code 1.
 */
public final class EchoStep {
    /** Where the client runs: {@code NetworkNamespace::call}, so its socket lives in that namespace. */
    @FunctionalInterface
    public interface Place {
        Duration call(Callable<Duration> task) throws Exception;
    }

    private EchoStep() {
    }

    /**
     * Sends {@code message} from {@code from} to {@code to} and waits for the same bytes back.
     *
     * @return the round trip, connect included
     * @throws CliException exit code 1, one line naming {@code step}, when the echo does not come back
     */
    public static Duration run(String step, Place from, InetSocketAddress to, String message, Duration timeout) {
        byte[] sent = message.getBytes(StandardCharsets.UTF_8);
        try {
            return from.call(() -> exchange(to, sent, timeout));
        } catch (IOException e) {
            throw new CliException(CliException.USER_ERROR, "demo: " + step + ": no echo from " + address(to)
                    + " within " + text(timeout) + " (" + reason(e) + ")");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException(CliException.INTERNAL, "demo: " + step + ": " + e);
        }
    }

    private static Duration exchange(InetSocketAddress to, byte[] sent, Duration timeout) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(to, millisUntil(deadline));
            s.setSoTimeout(millisUntil(deadline)); // one deadline for the whole exchange
            OutputStream out = s.getOutputStream();
            out.write(sent);
            out.flush();
            byte[] got = new byte[sent.length];
            InputStream in = s.getInputStream();
            int n = 0;
            while (n < got.length) {
                int r = in.read(got, n, got.length - n);
                if (r < 0) {
                    throw new IOException("the connection closed after " + n + " of " + got.length + " bytes");
                }
                n += r;
            }
            if (!Arrays.equals(got, sent)) {
                throw new IOException("the echo differs from the message");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static int millisUntil(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException();
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static String reason(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "nothing came back";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String address(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
