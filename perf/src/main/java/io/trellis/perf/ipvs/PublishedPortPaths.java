package io.trellis.perf.ipvs;

import io.trellis.dataplane.balance.Backend;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.proxy.ProxyProtocol;
import io.trellis.ipvs.netns.NamespaceHop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One published port, served in turn through IPVS ({@link KernelPath}) and through the user-space relay
 * ({@link RelayPath}), switched by commands on stdin, for {@code perf/bench-ipvs.sh}. Runs as root in the node's
 * network namespace, next to an ingress sandbox whose overlay interface reaches the tasks.
 *
 * <pre>
 * java -cp benchmarks.jar io.trellis.perf.ipvs.PublishedPortPaths --sandbox /run/netns/SB --client /run/netns/EXT
 *     --subnet 10.0.0.0/24 --published 192.168.60.1:8080 --backend 10.0.0.3:80 --backend 10.0.0.4:80
 * </pre>
 *
 * It links the sandbox, waits for every backend to answer from it and prints {@code ok up}. Then one line per
 * command, {@code ok ...} or {@code error ...}: {@code ipvs} and {@code userspace} take the port over (the other
 * path lets go first) and fetch through it from the client namespace until every backend answered once
 * (each fetch printed as {@code task@address-it-saw}); {@code stats} prints the serving path's counters. End of
 * input ends it, removing what it made; exits 2 on bad options, 1 when the port cannot be set up.
 */
public final class PublishedPortPaths {
    private static final Duration BACKENDS_UP = Duration.ofMinutes(3);
    private static final int CHECK_FETCHES = 4;

    private PublishedPortPaths() {
    }

    public static void main(String[] args) throws IOException {
        PathsOptions o;
        try {
            o = PathsOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("published-port-paths: " + e.getMessage());
            System.exit(2);
            return;
        }
        PortPlan plan = plan(o);
        try (NamespaceHop sandbox = NamespaceHop.open(o.sandbox());
             NamespaceHop client = NamespaceHop.open(o.client());
             KernelPath kernel = KernelPath.open(o.sandbox(), o.subnet(), o.overlayIf());
             RelayPath relay = new RelayPath(new SandboxSockets(sandbox))) {
            Fetcher fromSandbox = new Fetcher(sandbox);
            for (InetSocketAddress b : o.backends()) {
                fromSandbox.awaitAnswer(b, BACKENDS_UP);
            }
            answer("ok up: " + o.backends().size() + " backends answer from the sandbox");
            Fetcher fromClient = new Fetcher(client);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                try {
                    answer("ok " + command(line.strip(), o.published(), plan, kernel, relay, fromClient));
                } catch (IOException | RuntimeException e) {
                    answer("error " + line.strip() + ": " + e);
                }
            }
        } catch (IOException | RuntimeException e) {
            answer("error " + e);
            System.exit(1);
        }
    }

    private static String command(String command, InetSocketAddress target, PortPlan plan, KernelPath kernel,
            RelayPath relay, Fetcher client) throws IOException {
        switch (command) {
            case "ipvs" -> {
                relay.stop();
                List<String> done = kernel.publish(plan);
                return "ipvs " + String.join(", ", done) + "; " + check(target, plan, client);
            }
            case "userspace" -> {
                kernel.withdraw();
                relay.start(plan);
                return "userspace relay on " + plan.key() + "; " + check(target, plan, client);
            }
            case "stats" -> {
                return "stats " + kernel.stats() + relay.stats();
            }
            default -> throw new IllegalArgumentException("unknown command \"" + command
                    + "\": ipvs, userspace or stats");
        }
    }

    /** Fetches through the port until every backend answered (bounded), so a path that does not balance fails here. */
    private static String check(InetSocketAddress target, PortPlan plan, Fetcher client) throws IOException {
        List<String> seen = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            seen.addAll(client.answers(target, CHECK_FETCHES));
            if (plan.backends().stream().allMatch(b -> seen.stream().anyMatch(s -> s.startsWith(b.id() + "@")))) {
                return "answers " + String.join(" ", seen);
            }
        }
        throw new IOException("not every backend answered through " + target + ": " + String.join(" ", seen));
    }

    /** {@code service create --publish P:T}: ingress mode, round robin, tasks {@code s1}, {@code s2}... at the backends. */
    static PortPlan plan(PathsOptions o) {
        List<Backend> tasks = new ArrayList<>();
        for (int i = 0; i < o.backends().size(); i++) {
            tasks.add(new Backend("s" + (i + 1), o.backends().get(i), 1));
        }
        return new PortPlan(o.published().getPort(), false, "svc-bench", "bench", "ingress", "rr", ProxyProtocol.NONE,
                tasks);
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
