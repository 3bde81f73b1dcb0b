package io.trellis.dataplane.tunnel;

import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** TCP through a tunnel under test: random bytes from one namespace to a server in another, digests compared. */
public final class NamespaceTransfer {
    private NamespaceTransfer() {
    }

    /** Sends {@code bytes} random bytes from {@code client} to a server on {@code serverIp} in {@code server}. */
    public static void transfer(NetworkNamespace server, NetworkNamespace client, String serverIp, int bytes)
            throws Exception {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        ServerSocket listener = server.call(() -> new ServerSocket(0, 1, InetAddress.getByName(serverIp)));
        try (listener) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = listener.accept()) {
                    byte[] buf = new byte[data.length];
                    new DataInputStream(s.getInputStream()).readFully(buf);
                    return MessageDigest.getInstance("SHA-256").digest(buf);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Connect inside the namespace: Java creates a socket's fd lazily, at connect time.
            client.call(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(serverIp, listener.getLocalPort()), 5000);
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    out.flush();
                }
                return null;
            });
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
        }
    }
}
