package io.trellis.lab.demo;

import io.trellis.api.TaskView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.Cli;
import io.trellis.cli.CliException;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.lab.Lab;
import io.trellis.lab.LabCommand;
import io.trellis.tunnel.TunnelDemo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trellis demo}: shows what Trellis does so far, end to end, on a three-manager lab cluster
 * that it builds and always tears down again, also when a step fails or the user presses Ctrl-C.
 * Every failure it injects is followed by a bounded wait for the cluster to recover, and the time
 * it took is printed.
 */
@Command(name = "demo", description = "Show Trellis at work on a throw-away lab cluster (root).")
public final class DemoCommand implements Callable<Integer> {
    private static final String SERVICE = "web";
    private static final int PORT = 8080;
    private static final int NODES = 3;
    /** Three managers: the swarm keeps a majority (and its leader's writes) when any one of them dies. */
    private static final int MANAGERS = 3;
    /** A lab node misses 3 heartbeats of 1 s before it is Down; generous for a loaded 2-core host. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(30);
    private static final long ASK_TIMEOUT_MILLIS = 10_000;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private Lab lab;
    private TunnelDemo tunnelDemo;
    private DemoCluster cluster;
    private volatile boolean stopping;
    private boolean tornDown; // guarded by this
    private String teardownFailure; // guarded by this

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        DemoPrerequisites.missing().ifPresent(r -> {
            throw CliException.user(r);
        });
        lab = new Lab(out);
        tunnelDemo = new TunnelDemo(out);
        cluster = new DemoCluster(lab, SERVICE);
        // Ctrl-C runs shutdown hooks, not finally blocks: tear down from there too.
        Thread hook = new Thread(() -> {
            stopping = true;
            tearDown();
        }, "demo-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            show();
        } finally {
            tearDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook finds the lab torn down
            }
        }
        synchronized (this) {
            if (teardownFailure != null) {
                throw new CliException(CliException.INTERNAL, "demo: tearing the lab down failed: " + teardownFailure);
            }
        }
        return 0;
    }

    private void show() throws Exception {
        banner("Start a " + NODES + "-node cluster: one network namespace and agent per node, " + MANAGERS
                + " managers replicating the state with Raft");
        if (lab.status().isPresent()) {
            // A lab of the same shape would be kept as it is, drained nodes and old services included.
            out.println("  (a lab is up already: taking it down first, the demo starts from a fresh one)");
            lab.down();
        }
        lab("lab", "up", "--nodes", String.valueOf(NODES), "--managers", String.valueOf(MANAGERS));
        cluster.startAt("node1");
        cluster.await(RECOVERY_TIMEOUT, "not every node reported Ready", cluster::allReady);
        run("node", "ls");

        step("Run 3 replicas of the built-in HTTP workload; the scheduler spreads them over the nodes",
                "service", "create", "--name", SERVICE, "--replicas", "3", "trellis/http",
                "trellis", "workload", "http", "--port", String.valueOf(PORT));
        run("service", "ps", SERVICE);
        List<TaskView> tasks = cluster.running();
        out.printf("  %d tasks on %d nodes%n", tasks.size(), tasks.stream().map(TaskView::node).distinct().count());
        askEveryTask();

        crashFollower();
        crashLeader();
        drain();
        new OverlayDemo(out, cluster, this::banner, this::run).show();
        new RoutingMeshDemo(out, cluster, this::banner, this::run).show();
        new ExecutorsDemo(out, cluster, this::banner, this::run).show();

        banner("Logs and metrics of the leader " + cluster.leader() + " (excerpts; service logs reads every node's tasks)");
        run("service", "logs", "--tail", "1", SERVICE);
        out.println("$ curl --unix-socket " + cluster.host().substring("unix://".length()) + " http://localhost/metrics");
        for (String line : AgentConnection.to(cluster.host()).text("/metrics").split("\n")) {
            if (line.startsWith("trellis_tasks{state=\"running\"") || line.startsWith("trellis_raft_term")
                    || line.startsWith("trellis_raft_commit_index") || line.startsWith("trellis_raft_leader")) {
                out.println("  " + line);
            }
        }
        step("Remove the service", "service", "rm", SERVICE);

        banner("The user-space VXLAN data plane talks to Linux kernel VXLAN");
        tunnelDemo.run();
    }

    private void askEveryTask() throws Exception {
        banner("Ask every task over HTTP, from inside its own network namespace");
        for (TaskView t : cluster.running()) {
            String answer = askTask(t).orElseThrow(() -> new CliException(CliException.USER_ERROR, "demo: task "
                    + t.name() + " on " + t.node() + " did not answer over HTTP within " + ASK_TIMEOUT_MILLIS / 1000 + " s"));
            // The whoami answer's first lines say who answered; the rest (method, path...) is noise here.
            String who = answer.lines().filter(l -> l.startsWith("task:") || l.startsWith("node:")
                    || l.startsWith("RemoteAddr:")).collect(Collectors.joining(" "));
            out.printf("  %s on %s -> %s%n", t.name(), t.node(), who);
        }
        out.flush();
    }

    /** SIGKILL a manager that does not lead: its tasks move once it misses its heartbeats. */
    private void crashFollower() throws IOException {
        String leader = cluster.leader();
        String victim = cluster.running().stream().map(TaskView::node).filter(n -> !n.equals(leader)).distinct()
                .max(Comparator.naturalOrder())
                .orElseThrow(() -> new CliException(CliException.INTERNAL, "demo: every task runs on the leader"));
        List<TaskView> lost = cluster.runningOn(victim);
        banner("Crash " + victim + "'s agent (kill -9, not the leader): it misses 3 heartbeats, is marked Down "
                + "and its tasks are started on the other nodes");
        long killed = System.nanoTime();
        lab("lab", "stop", victim, "--kill");
        cluster.await(RECOVERY_TIMEOUT, victim + "'s tasks were not rescheduled", () -> cluster.runsElsewhere(3, victim));
        out.printf("  %s: Down; %s %.1f s after the kill%n", victim, moved(lost), secondsSince(killed));
        cluster.await(RECOVERY_TIMEOUT, victim + " was not shown Down and Unreachable", () -> cluster.isLost(victim));
        run("node", "ls");
        run("service", "ps", SERVICE);

        banner("Bring " + victim + " back: it rejoins from its data dir and stops the tasks that were replaced");
        long started = System.nanoTime();
        lab("lab", "start", victim);
        cluster.await(RECOVERY_TIMEOUT, victim + " did not come back Ready", () -> cluster.isBack(victim));
        out.printf("  %s is Ready and Reachable again, %.1f s after the restart%n", victim, secondsSince(started));
    }

    /** SIGKILL the leader: the other two managers elect a new one and take writes. */
    private void crashLeader() throws IOException {
        String former = cluster.leader();
        List<TaskView> lost = cluster.runningOn(former);
        banner("Crash the leader " + former + "'s agent (kill -9): the two other managers elect a new leader");
        long killed = System.nanoTime();
        lab("lab", "stop", former, "--kill");
        cluster.awaitLeader(former, RECOVERY_TIMEOUT);
        out.printf("  %s was elected leader %.1f s after the kill%n", cluster.leader(), secondsSince(killed));
        cluster.await(RECOVERY_TIMEOUT, former + "'s tasks were not rescheduled", () -> cluster.runsElsewhere(3, former));
        out.printf("  %s: Down; %s %.1f s after the kill%n", former, moved(lost), secondsSince(killed));
        cluster.await(RECOVERY_TIMEOUT, former + " was not shown Down and Unreachable", () -> cluster.isLost(former));
        run("node", "ls");
        step("Writes still work: the new leader (" + cluster.leader() + ") commits them with the one other manager",
                "service", "scale", SERVICE + "=4");
        run("service", "ps", SERVICE);

        banner("Bring " + former + " back: it rejoins as a follower");
        long started = System.nanoTime();
        lab("lab", "start", former);
        cluster.await(RECOVERY_TIMEOUT, former + " did not come back Ready", () -> cluster.isBack(former));
        out.printf("  %s is Ready and Reachable again, %.1f s after the restart%n", former, secondsSince(started));
        run("node", "ls");
    }

    /** Drain the node running most tasks: they are shut down and replaced on the others. */
    private void drain() {
        List<TaskView> running = cluster.running();
        Map<String, Long> perNode = running.stream().collect(Collectors.groupingBy(TaskView::node, Collectors.counting()));
        String busiest = perNode.keySet().stream().max(Comparator.comparing(perNode::get)).orElseThrow();
        List<TaskView> moving = running.stream().filter(t -> t.node().equals(busiest)).toList();
        banner("Drain " + busiest + " for maintenance: its tasks are shut down and replaced on the other nodes");
        long drained = System.nanoTime();
        run("node", "update", "--availability", "drain", busiest);
        cluster.await(RECOVERY_TIMEOUT, busiest + "'s tasks did not move away", () -> cluster.runsElsewhere(4, busiest));
        out.printf("  %s moved off %s in %.1f s%n", names(moving), busiest, secondsSince(drained));
        run("service", "ps", SERVICE);
        step("Maintenance done: " + busiest + " takes tasks again (running ones stay where they are)",
                "node", "update", "--availability", "active", busiest);
    }

    private static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }

    private static String moved(List<TaskView> lost) {
        return lost.isEmpty() ? "it ran no tasks; all replicas running" : names(lost) + " running again on other nodes";
    }

    private static String names(List<TaskView> tasks) {
        return tasks.stream().map(TaskView::name).sorted().collect(Collectors.joining(", "));
    }

    private void banner(String text) {
        if (stopping) {
            throw new CliException(CliException.INTERNAL, "demo: interrupted");
        }
        out.println();
        out.println("== " + text);
        out.flush();
    }

    private void step(String text, String... args) {
        banner(text);
        run(args);
    }

    /** A client command, sent to the current leader. */
    private void run(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add(2, "--host=" + cluster.host());
        execute(args, argv);
    }

    /** A lab verb: it finds the lab through its state file, not through an agent. */
    private void lab(String... args) {
        execute(args, List.of(args));
    }

    private void execute(String[] shown, List<String> argv) {
        if (stopping) {
            throw new CliException(CliException.INTERNAL, "demo: interrupted");
        }
        out.println("$ trellis " + String.join(" ", shown));
        out.flush();
        int code = Cli.execute(out, spec.commandLine().getErr(), argv.toArray(String[]::new), new LabCommand());
        if (code != 0) {
            throw new CliException(code, "demo step failed: trellis " + String.join(" ", shown));
        }
    }

    /** Once, from the end of the demo or from the Ctrl-C hook, whichever comes first. */
    private synchronized void tearDown() {
        if (tornDown) {
            return;
        }
        tornDown = true;
        out.println();
        out.println(stopping ? "== Interrupted: tear everything down" : "== Tear everything down");
        try {
            tunnelDemo.close();
            out.println("$ trellis lab down");
            out.flush();
            lab.down();
            out.println("lab is down");
        } catch (IOException | RuntimeException e) {
            teardownFailure = e.getMessage();
            out.println("tearing down failed: " + e.getMessage() + "; run trellis lab down");
        }
        out.flush();
    }

    /** HTTP GET from inside the task's network namespace: nothing else can reach it before the overlay. */
    private static Optional<String> askTask(TaskView t) throws Exception {
        return NetworkNamespace.open(Path.of("/run/trellis/netns", t.id())).call(() -> {
            long deadline = System.currentTimeMillis() + ASK_TIMEOUT_MILLIS;
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", PORT), 1000);
                    s.setSoTimeout(3000);
                    OutputStream os = s.getOutputStream();
                    os.write(("GET / HTTP/1.0\r\nHost: demo\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    os.flush();
                    InputStream is = s.getInputStream();
                    String response = new String(is.readAllBytes(), StandardCharsets.UTF_8);
                    int body = response.indexOf("\r\n\r\n");
                    return Optional.of(body < 0 ? response : response.substring(body + 4));
                } catch (IOException e) {
                    if (System.currentTimeMillis() > deadline) {
                        return Optional.<String>empty();
                    }
                    Thread.sleep(100);
                }
            }
        });
    }
}
