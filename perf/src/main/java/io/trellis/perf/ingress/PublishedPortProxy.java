package io.trellis.perf.ingress;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.mesh.PublishedListener;
import io.trellis.ingress.mesh.RoutingMesh;
import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ingress.proxy.ConnectFailure;
import io.trellis.ingress.proxy.ProxyEventLoops;
import io.trellis.ingress.proxy.ProxyProtocol;
import io.trellis.ingress.proxy.TcpProxyCounters;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxyOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * One published TCP port served by the routing mesh exactly as a node serves it ({@link RoutingMesh} with the
 * agent's default TCP options, a {@link PortPlan} in ingress mode, round robin), but with backends in this
 * namespace ({@link BackendSockets#HERE}) and a fixed number of event loops, so that it can be set against
 * another proxy on the same cores. Run by {@code perf/bench-ingress.sh}; runs until SIGTERM, then prints its
 * counters.
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar io.trellis.perf.ingress.PublishedPortProxy
 *     --port 18090 --backend 127.0.0.1:18081 --backend 127.0.0.1:18082 [--threads 1] [--transport io_uring]
 * </pre>
 *
 * Prints {@code proxy up: ...} once listening; exits 2 with one line on bad options or a port it cannot bind.
 */
public final class PublishedPortProxy {

    private PublishedPortProxy() {
    }

    /** Options; every default is visible here. */
    record Options(int port, List<InetSocketAddress> backends, int threads, Transport transport) {
        static Options parse(String[] args) {
            int port = 0;
            List<InetSocketAddress> backends = new ArrayList<>();
            int threads = 1;
            Transport transport = Transport.IO_URING;
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = number(args[i], value, 1, 65_535);
                    case "--backend" -> backends.add(address(value));
                    case "--threads" -> threads = number(args[i], value, 1, 64);
                    case "--transport" -> transport = Transport.parse(require(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + ": allowed are --port, --backend, --threads, --transport");
                }
            }
            if (port == 0) {
                throw new IllegalArgumentException("--port is required");
            }
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("give at least one --backend HOST:PORT");
            }
            return new Options(port, List.copyOf(backends), threads, transport);
        }

        private static String require(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return value;
        }

        private static int number(String name, String value, int min, int max) {
            try {
                int n = Integer.parseInt(require(name, value));
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
                    + ", got \"" + value + "\"");
        }

        private static InetSocketAddress address(String value) {
            String v = require("--backend", value);
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--backend must be HOST:PORT, got \"" + v + "\"");
            }
            // A literal address only: resolving a name is not what a node does with a task's address.
            InetSocketAddress a = new InetSocketAddress(v.substring(0, colon),
                    number("--backend port", v.substring(colon + 1), 1, 65_535));
            if (a.isUnresolved() || !v.substring(0, colon).equals(a.getAddress().getHostAddress())) {
                throw new IllegalArgumentException("--backend must be a literal IPv4 address and port, got \"" + v + "\"");
            }
            return a;
        }
    }

    /** The plan a node derives for {@code service create --publish P:T} with round robin, tasks at {@code backends}. */
    static PortPlan plan(int port, List<InetSocketAddress> backends) {
        List<Backend> tasks = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            tasks.add(new Backend("task" + (i + 1), backends.get(i)));
        }
        return new PortPlan(port, false, "bench", "bench", "ingress", "rr", ProxyProtocol.NONE, tasks);
    }

    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("published-port-proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        ProxyEventLoops loops = new ProxyEventLoops(o.transport(), o.threads());
        RoutingMesh mesh = new RoutingMesh(loops, BackendSockets.HERE, TcpProxyOptions.defaults(),
                UdpProxyOptions.defaults());
        PortPlan plan = plan(o.port(), o.backends());
        Set<InetAddress> endpoints = o.backends().stream().map(InetSocketAddress::getAddress).collect(Collectors.toSet());
        mesh.apply(List.of(plan), endpoints);
        if (mesh.listeners().isEmpty()) {
            System.err.println("published-port-proxy: cannot listen on port " + o.port() + ": "
                    + mesh.failures().get(plan.key()));
            loops.close();
            System.exit(2);
            return;
        }
        PublishedListener listener = mesh.listeners().get(0);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            TcpProxyCounters c = listener.tcpCounters();
            mesh.close();
            loops.close();
            System.out.println(counters(c));
            System.out.flush();
            stopped.countDown();
        }, "published-port-proxy-stop"));
        System.out.printf("proxy up: *:%d/tcp -> %s (%s, %s, %d event loop%s)%n", o.port(),
                o.backends().stream().map(PublishedPortProxy::text).collect(Collectors.joining(", ")),
                listener.algorithm(), loops.transport().label(), o.threads(), o.threads() == 1 ? "" : "s");
        System.out.flush();
        stopped.await();
    }

    static String counters(TcpProxyCounters c) {
        StringBuilder failures = new StringBuilder();
        for (ConnectFailure reason : ConnectFailure.values()) {
            failures.append(' ').append(reason.name().toLowerCase(Locale.ROOT)).append(' ')
                    .append(c.connectFailures(reason));
        }
        return "proxy counters: accepted " + c.accepted() + ", resets sent " + c.resetsSent() + ", read pauses "
                + c.readPauses() + ", peak pending " + c.peakPendingWriteBytes() + " B, connect failures:" + failures;
    }

    private static String text(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
