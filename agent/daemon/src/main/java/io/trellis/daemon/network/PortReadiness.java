package io.trellis.daemon.network;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.worker.Readiness;
import io.trellis.ipvs.netns.NamespaceHop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task that publishes TCP ports is ready once each of them accepts a connection, tried from inside the
 * task's own network namespace at its ingress address every {@value #POLL_MILLIS} ms. Until then it is
 * starting: no balancer sends it clients and a rolling update waits for it. A task that never accepts is let
 * through after {@link #LIMIT}, saying so, so a service that does not listen still runs as before.
 */
public final class PortReadiness implements Readiness, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortReadiness.class);
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final long POLL_MILLIS = 50;
    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    private final NetworkAgent agent;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "readiness");
        t.setDaemon(true);
        return t;
    });

    public PortReadiness(NetworkAgent agent) {
        this.agent = agent;
    }

    @Override
    public CompletableFuture<String> await(Task task) {
        IngressView view = agent.ingressView();
        List<InetSocketAddress> targets = targets(task, view);
        Path netns = view.localNetns().get(task.id());
        if (targets.isEmpty() || netns == null) {
            return CompletableFuture.completedFuture(null);
        }
        NamespaceHop hop;
        try {
            hop = NamespaceHop.open(netns);
        } catch (IOException e) {
            return CompletableFuture.completedFuture("readiness not checked: " + e.getMessage());
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        ready.whenComplete((note, e) -> hop.close());
        long deadline = System.nanoTime() + LIMIT.toNanos();
        List<InetSocketAddress> waiting = new ArrayList<>(targets);
        timer.execute(() -> poll(task, hop, waiting, deadline, ready));
        return ready;
    }

    /**
     * Where the task should accept before it counts as running: its address on the ingress network at each
     * TCP port its service publishes; none when it publishes none or is not attached here.
     */
    static List<InetSocketAddress> targets(Task task, IngressView view) {
        String address = view.networkId() == null ? null : task.address(view.networkId());
        if (address == null || !view.localNetns().containsKey(task.id())) {
            return List.of();
        }
        InetAddress ip = Ipv4Subnet.inetAddress(Ipv4Subnet.parseAddress(address));
        return view.services().stream().filter(s -> s.serviceId().equals(task.serviceId()))
                .flatMap(s -> s.ports().stream())
                .filter(p -> p.protocol() == PortConfig.Protocol.TCP).map(PortConfig::target).distinct()
                .map(port -> new InetSocketAddress(ip, port)).toList();
    }

    private void poll(Task task, NamespaceHop hop, List<InetSocketAddress> waiting, long deadline,
                      CompletableFuture<String> ready) {
        waiting.removeIf(target -> accepts(hop, target));
        if (waiting.isEmpty()) {
            ready.complete(null);
        } else if (System.nanoTime() - deadline > 0 || agent.netnsOf(task.id()) == null) {
            String ports = waiting.stream().map(a -> a.getPort() + "/tcp").toList().toString();
            LOG.warn("task {} did not accept on {} within {} s; counting it as running", task.name(), ports,
                    LIMIT.toSeconds());
            ready.complete("did not accept on " + ports + " within " + LIMIT.toSeconds() + " s");
        } else {
            timer.schedule(() -> poll(task, hop, waiting, deadline, ready), POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** A connection made and closed at once from inside the task's namespace. */
    private static boolean accepts(NamespaceHop hop, InetSocketAddress target) {
        try (SocketChannel ch = hop.run(PortReadiness::openChannel)) {
            ch.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            return false;
        }
    }

    private static SocketChannel openChannel() {
        try {
            return SocketChannel.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
