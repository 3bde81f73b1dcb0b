package io.trellis.workload;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** A web page's server, the threads that answer its requests and its connections to other services, closed together. */
final class WithClients implements Workload {
    private final Workload server;
    private final ExecutorService threads;
    private final LineClient[] clients;

    WithClients(Workload server, ExecutorService threads, LineClient... clients) {
        this.server = server;
        this.threads = threads;
        this.clients = clients;
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public void close() {
        // The server first: its graceful stop lets the requests begun be answered on these threads.
        server.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LineClient c : clients) {
            c.close();
        }
    }
}
