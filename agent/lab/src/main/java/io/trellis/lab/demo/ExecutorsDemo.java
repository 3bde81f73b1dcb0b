package io.trellis.lab.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.TaskView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.CliException;
import io.trellis.cli.ServiceCommand;
import io.trellis.process.SelfLauncher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's tasks-for-real part: a secret reaches a sandboxed task on node3 and only that task, where
 * {@code trellis exec} from the leader reads it and cannot read node3's own key; a task whose health check
 * starts failing is replaced. Anything else ends the demo with one line.
 */
final class ExecutorsDemo {
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static final String SECRET = "correct horse battery staple";

    private final PrintWriter out;
    private final DemoCluster cluster;
    private final Consumer<String> banner;
    private final Consumer<String[]> run;

    ExecutorsDemo(PrintWriter out, DemoCluster cluster, Consumer<String> banner, Consumer<String[]> run) {
        this.out = out;
        this.cluster = cluster;
        this.banner = banner;
        this.run = run;
    }

    void show() throws IOException {
        banner.accept("Secrets and exec: db on node3 gets db_pw on a tmpfs; trellis exec runs inside its sandbox");
        Path file = Files.createTempFile("trellis-demo-secret", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(file, SECRET);
            run.accept(new String[] {"secret", "create", "db_pw", file.toString()});
        } finally {
            Files.deleteIfExists(file);
        }
        run.accept(new String[] {"service", "create", "--name", "db", "--secret", "db_pw",
            "--health-cmd", "test -r /run/secrets/db_pw", "--health-interval", "1s",
            "--constraint", "node.hostname==node3", "trellis/http", "trellis", "workload", "http", "--port", "80"});
        cluster.await(CONVERGE, "db did not become healthy", () -> tasks("db").stream()
                .anyMatch(t -> t.state().equals("Running") && t.health().status().equals("healthy")));
        run.accept(new String[] {"service", "ps", "db"});

        String read = exec(List.of("db.1", "--", "cat", "/run/secrets/db_pw"), true);
        if (!read.equals(SECRET)) {
            throw new CliException(CliException.INTERNAL, "demo: exec did not read the secret back: " + read);
        }
        exec(List.of("db.1", "--", "id"), true);
        String key = DemoCluster.node("node3").dataDir() + "/certs/node.key";
        exec(List.of("db.1", "--", "cat", key), false);

        banner.accept("Health checks: flaky turns unhealthy after 3 s and is replaced by a healthy task");
        run.accept(new String[] {"service", "create", "--name", "flaky", "--health-cmd", "test -f /tmp/ok",
            "--health-interval", "500ms", "--health-retries", "2", "--constraint", "node.hostname==node2",
            "trellis/http", "sh", "-c", "touch /tmp/ok; sleep 3; rm /tmp/ok; exec sleep 600"});
        cluster.await(CONVERGE, "the unhealthy flaky task was not replaced by a healthy one", () -> {
            List<TaskView> all = tasks("flaky");
            TaskView newest = all.stream().max(Comparator.comparingLong(TaskView::createdAt)).orElseThrow();
            return all.stream().anyMatch(t -> t.error().startsWith("unhealthy container"))
                    && newest.health().status().equals("healthy");
        });
        run.accept(new String[] {"service", "ps", "flaky"});
        run.accept(new String[] {"service", "rm", "db", "flaky"});
        run.accept(new String[] {"secret", "rm", "db_pw"});
    }

    private List<TaskView> tasks(String service) {
        return AgentConnection.to(cluster.host()).get(ServiceCommand.path(service) + "/tasks",
                new TypeReference<List<TaskView>>() { });
    }

    /** {@code trellis exec} against the leader, printed with its output; it must succeed, or must fail. */
    private String exec(List<String> args, boolean mustSucceed) throws IOException {
        List<String> argv = new ArrayList<>(SelfLauncher.current().resolve(List.of("trellis", "exec", "--host",
                cluster.host())));
        argv.addAll(args);
        out.println("$ trellis exec " + String.join(" ", args));
        out.flush();
        DemoProcess p = DemoProcess.run(argv, "trellis exec " + String.join(" ", args), COMMAND_LIMIT);
        p.output().lines().forEach(l -> out.println("  " + l));
        out.flush();
        if (mustSucceed != (p.exit() == 0)) {
            throw new CliException(CliException.INTERNAL, "demo: trellis exec " + String.join(" ", args)
                    + (mustSucceed ? " failed: " : " succeeded, and must not: ") + p.output().strip());
        }
        if (!mustSucceed) {
            out.println("  (exit " + p.exit() + ": the task's sandbox hides the node's data directory)");
        }
        return p.output();
    }
}
