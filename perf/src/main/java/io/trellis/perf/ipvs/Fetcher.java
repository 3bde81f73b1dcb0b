package io.trellis.perf.ipvs;

import io.trellis.ipvs.netns.NamespaceHop;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-shot HTTP fetches of {@code trellis workload http} from a given network namespace, to check a path before it
 * is measured: which task answered, and the address it saw the request come from.
 */
final class Fetcher {
    private static final Pattern TASK = Pattern.compile("(?m)^task: (\\S*)");
    private static final Pattern REMOTE = Pattern.compile("(?m)^RemoteAddr: (\\S*)");
    private static final int TIMEOUT_MS = 10_000;

    private final NamespaceHop from;

    Fetcher(NamespaceHop from) {
        this.from = from;
    }

    /**
     * Waits until {@code target} answers a fetch (a cold JVM under emulation takes long for its first answer); a
     * refused connection is tried again 200 ms later.
     *
     * @throws IOException the last failure, once {@code atMost} has passed
     */
    void awaitAnswer(InetSocketAddress target, Duration atMost) throws IOException {
        long deadline = System.nanoTime() + atMost.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (!fetch(target).isEmpty()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        throw new IOException(target + " did not answer within " + atMost.toSeconds() + " s: " + last, last);
    }

    /** {@code n} fetches of {@code target}, each as {@code task@remoteAddr}. */
    List<String> answers(InetSocketAddress target, int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String reply = fetch(target);
            Matcher task = TASK.matcher(reply);
            Matcher remote = REMOTE.matcher(reply);
            out.add((task.find() ? task.group(1) : "?") + "@" + (remote.find() ? remote.group(1) : "?"));
        }
        return out;
    }

    /** One {@code GET /} on a new connection, made in the namespace; the whole answer. */
    private String fetch(InetSocketAddress target) throws IOException {
        SocketChannel ch;
        try {
            ch = from.run(() -> {
                try {
                    return SocketChannel.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        try (ch) {
            Socket s = ch.socket();
            s.connect(target, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + target.getAddress().getHostAddress()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }
}
