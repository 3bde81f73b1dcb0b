package io.trellis.lab.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.TaskView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.CliException;
import io.trellis.cli.ServiceCommand;
import io.trellis.lab.LabState;
import io.trellis.process.SelfLauncher;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The demo's routing-mesh part: a service published on 8080 answers on every node's address, also on the
 * node that runs none of its tasks, each answer saying which task and which client address it saw; a port
 * published with the PROXY protocol hands the task the real client address; {@code vip ls} shows the
 * published ports; and {@code trellis loadtest} runs against one node for 5 s. A request that gets no answer,
 * or a load test with errors, ends the demo with one line.
 */
final class RoutingMeshDemo {
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static final List<String> NODES = List.of("node1", "node2", "node3");

    private final PrintWriter out;
    private final DemoCluster cluster;
    private final Consumer<String> banner;
    private final Consumer<String[]> run;

    RoutingMeshDemo(PrintWriter out, DemoCluster cluster, Consumer<String> banner, Consumer<String[]> run) {
        this.out = out;
        this.cluster = cluster;
        this.banner = banner;
        this.run = run;
    }

    void show() throws IOException {
        banner.accept("Routing mesh: site published on 8080 answers on every node; node1 runs none of its tasks");
        run.accept(new String[] {"service", "create", "--name", "site", "--replicas", "2", "--publish", "8080:80",
            "--constraint", "node.hostname!=node1", "trellis/http", "trellis", "workload", "http", "--port", "80"});
        run.accept(new String[] {"service", "create", "--name", "site-pp", "--replicas", "1", "--publish",
            "published=8081,target=80,proxy-protocol=v2", "trellis/http", "trellis", "workload", "http", "--port", "80"});
        run.accept(new String[] {"service", "ls"});
        awaitRunning("site", 2);
        awaitRunning("site-pp", 1);

        LabState.LabNode client = DemoCluster.node("node2");
        Set<String> answeredBy = new HashSet<>();
        for (String name : NODES) {
            String url = "http://" + DemoCluster.node(name).address() + ":8080/";
            out.printf("  from node2: trellis workload fetch %s --count 2%n", url);
            for (String line : awaitAnswers(client, url, 2)) {
                out.println("    " + line);
                answeredBy.add(line.split(" ")[1]);
                if (line.contains(" on node1 ")) {
                    throw new CliException(CliException.INTERNAL, "demo: a site task answered on node1, which runs none");
                }
            }
        }
        if (answeredBy.size() < 2) {
            throw new CliException(CliException.INTERNAL, "demo: every request to port 8080 reached the same task");
        }
        String proxied = "http://" + DemoCluster.node("node1").address() + ":8081/";
        out.printf("  from node2 (%s): trellis workload fetch %s  (PROXY v2: the task sees the real client)%n",
                client.address(), proxied);
        String line = awaitAnswers(client, proxied, 1).get(0);
        out.println("    " + line);
        if (!line.contains("saw client " + client.address() + ":")) {
            throw new CliException(CliException.INTERNAL, "demo: the PROXY header did not carry node2's address");
        }
        out.flush();

        banner.accept("Published ports beside the VIPs on " + cluster.leader() + " (vip ls)");
        run.accept(new String[] {"vip", "ls", "--network", "ingress", "--stats"});

        String target = DemoCluster.node("node1").address() + ":8080";
        banner.accept("trellis loadtest against node1's published port for 5 s (node1 relays to the other nodes)");
        out.printf("  from node2: trellis loadtest --target %s -c 16 -d 5s%n", target);
        String summary = inNode(client, List.of("trellis", "loadtest", "--target", target, "-c", "16", "-d", "5s"));
        summary.lines().forEach(l -> out.println("    " + l));
        out.flush();
        if (!summary.contains("errors    0 ") || summary.contains("requests  0 ")) {
            throw new CliException(CliException.INTERNAL, "demo: the load test through the routing mesh had errors");
        }
        run.accept(new String[] {"service", "rm", "site", "site-pp"});
    }

    private void awaitRunning(String service, int count) {
        cluster.await(CONVERGE, service + " did not get " + count + " running tasks", () ->
                AgentConnection.to(cluster.host()).get(ServiceCommand.path(service) + "/tasks",
                                new TypeReference<List<TaskView>>() { }).stream()
                        .filter(t -> t.state().equals("Running") && t.desiredState().equals("Running"))
                        .count() == count);
    }

    /** Answers once the port serves from {@code from}'s namespace: the listeners open as the maps arrive. */
    private List<String> awaitAnswers(LabState.LabNode from, String url, int count) {
        List<List<String>> seen = new ArrayList<>();
        cluster.await(CONVERGE, url + " did not answer from " + from.name(), () -> {
            try {
                List<String> answers = inNode(from, List.of("trellis", "workload", "fetch", url, "--count",
                        Integer.toString(count))).lines().filter(l -> l.matches("\\d+: .*"))
                        .map(l -> l.substring(l.indexOf(": ") + 2)).toList();
                seen.add(answers);
                return answers.size() == count && answers.stream().noneMatch(a -> a.startsWith("failed"));
            } catch (CliException notYet) {
                return false;
            }
        });
        return seen.get(seen.size() - 1);
    }

    /** A {@code trellis} command in a lab node's network namespace; its output, or a failure when it fails. */
    private static String inNode(LabState.LabNode node, List<String> trellis) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace()));
        argv.addAll(SelfLauncher.current().resolve(trellis));
        DemoProcess run = DemoProcess.run(argv, String.join(" ", trellis), COMMAND_LIMIT);
        if (run.exit() != 0) {
            throw new CliException(CliException.INTERNAL, "demo: " + String.join(" ", trellis) + " on " + node.name()
                    + " failed: " + run.output().strip().replace('\n', ' '));
        }
        return run.output();
    }
}
