package io.trellis.lab.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.TaskView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.CliException;
import io.trellis.cli.ServiceCommand;
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
 * The demo's overlay part: services on an overlay network across the three nodes reach each other
 * by name through the embedded DNS and the VIP (answered by different tasks), {@code vip ls} shows
 * the table, and an encrypted network carries the same traffic as ESP. A request that gets no
 * answer ends the demo with one line.
 */
final class OverlayDemo {
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final Duration FETCH_LIMIT = Duration.ofSeconds(60);

    private final PrintWriter out;
    private final DemoCluster cluster;
    private final Consumer<String> banner;
    private final Consumer<String[]> run;

    OverlayDemo(PrintWriter out, DemoCluster cluster, Consumer<String> banner, Consumer<String[]> run) {
        this.out = out;
        this.cluster = cluster;
        this.banner = banner;
        this.run = run;
    }

    void show() throws IOException {
        banner.accept("Overlay networks: one plain, one encrypted (ESP between nodes, keys from the leader)");
        run.accept(new String[] {"network", "create", "-d", "overlay", "appnet"});
        run.accept(new String[] {"network", "create", "-d", "overlay", "--opt", "encrypted", "vaultnet"});
        run.accept(new String[] {"network", "ls"});

        banner.accept("Two services on appnet: whoami (3 replicas) and client (one per node); they talk by name");
        run.accept(new String[] {"service", "create", "--name", "whoami", "--replicas", "3", "--network", "appnet",
            "trellis/http", "trellis", "workload", "http", "--port", "80"});
        run.accept(new String[] {"service", "create", "--name", "client", "--mode", "global", "--network", "appnet",
            "trellis/echo", "trellis", "workload", "echo", "--port", "7"});
        List<TaskView> clients = awaitRunning("client", 3);
        awaitServing(clients.get(0), awaitRunning("whoami", 3));
        Set<String> answeredBy = new HashSet<>();
        for (TaskView c : clients) {
            out.printf("  from %s on %s: trellis workload fetch http://whoami/ --count 3%n", c.name(), c.node());
            for (String line : fetch(c, "http://whoami/", 3)) {
                out.println("    " + line);
                answeredBy.add(line.split(" ")[1]);
            }
        }
        if (answeredBy.size() < 2) {
            throw new CliException(CliException.INTERNAL, "demo: every request to the whoami VIP reached the same task");
        }
        out.printf("  %d different whoami tasks answered through the VIP%n", answeredBy.size());
        out.flush();
        banner.accept("The VIP table of " + cluster.leader() + " (like ipvsadm -Ln)");
        run.accept(new String[] {"vip", "ls", "--stats"});

        banner.accept("The same over the encrypted network: vault runs on every node and asks its own VIP");
        run.accept(new String[] {"service", "create", "--name", "vault", "--mode", "global", "--network", "vaultnet",
            "trellis/http", "trellis", "workload", "http", "--port", "80"});
        List<TaskView> vaults = awaitRunning("vault", 3);
        awaitServing(vaults.get(0), vaults);
        Set<String> vaultAnswers = new HashSet<>();
        TaskView asker = vaults.get(0);
        out.printf("  from %s on %s: trellis workload fetch http://vault/ --count 6%n", asker.name(), asker.node());
        for (String line : fetch(asker, "http://vault/", 6)) {
            out.println("    " + line);
            vaultAnswers.add(line.split(" ")[1]);
        }
        if (vaultAnswers.size() < 2) {
            throw new CliException(CliException.INTERNAL, "demo: no vault task on another node answered over ESP");
        }
        for (String line : AgentConnection.to(cluster.host()).text("/metrics").split("\n")) {
            if (line.startsWith("trellis_esp_packets_total") || line.startsWith("trellis_vip_backends")) {
                out.println("  " + line);
            }
        }
        out.flush();
        run.accept(new String[] {"service", "rm", "whoami", "client", "vault"});
        awaitGone(List.of("whoami", "client", "vault"));
        run.accept(new String[] {"network", "rm", "appnet", "vaultnet"});
    }

    private List<TaskView> awaitRunning(String service, int count) {
        List<List<TaskView>> seen = new ArrayList<>();
        cluster.await(CONVERGE, service + " did not get " + count + " running tasks", () -> {
            List<TaskView> running = tasks(service).stream()
                    .filter(t -> t.state().equals("Running") && t.desiredState().equals("Running")).toList();
            seen.add(running);
            return running.size() == count;
        });
        return seen.get(seen.size() - 1);
    }

    /**
     * Until each task answers HTTP at its own address, asked from {@code asker}: a task is a backend
     * once it runs, and the workload listens a moment later (the agent waits for a task to listen only on
     * the ports its service publishes).
     */
    private void awaitServing(TaskView asker, List<TaskView> tasks) {
        for (TaskView t : tasks) {
            String url = "http://" + t.networks().get(0).address() + "/";
            cluster.await(CONVERGE, t.name() + " did not answer at " + url, () -> {
                try {
                    return fetch(asker, url, 1).size() == 1;
                } catch (CliException notYet) {
                    return false;
                }
            });
        }
    }

    private void awaitGone(List<String> services) {
        cluster.await(CONVERGE, "the demo's services did not stop", () -> {
            for (String s : services) {
                try {
                    if (!tasks(s).isEmpty()) {
                        return false;
                    }
                } catch (CliException e) {
                    // gone from the store: its tasks are too
                }
            }
            return true;
        });
    }

    private List<TaskView> tasks(String service) {
        return AgentConnection.to(cluster.host()).get(ServiceCommand.path(service) + "/tasks",
                new TypeReference<List<TaskView>>() { });
    }

    /** {@code trellis workload fetch} inside the task, through {@code trellis exec} (its namespaces, its resolver). */
    private List<String> fetch(TaskView task, String url, int count) throws IOException {
        List<String> argv = new ArrayList<>(SelfLauncher.current().resolve(List.of("trellis", "exec", "--host",
                cluster.host(), task.id(), "--", "trellis", "workload", "fetch", url, "--count",
                Integer.toString(count))));
        DemoProcess run = DemoProcess.run(argv, "fetching " + url + " from " + task.name(), FETCH_LIMIT);
        String output = run.output();
        List<String> answers = output.lines().filter(l -> l.matches("\\d+: .*")).toList();
        if (run.exit() != 0 || answers.size() != count) {
            throw new CliException(CliException.INTERNAL, "demo: " + url + " from " + task.name() + " on "
                    + task.node() + " got no answer: " + output.strip().replace('\n', ' '));
        }
        return answers;
    }
}
