package io.trellis.agent.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.agent.Main;
import io.trellis.agent.api.TaskView;
import io.trellis.agent.lab.Lab;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trellis demo}: shows what Trellis does so far, end to end, on a lab cluster that it builds
 * and always tears down again.
 */
@Command(name = "demo", description = "Show Trellis at work on a throw-away lab cluster (root).")
public final class DemoCommand implements Callable<Integer> {
    private static final String SERVICE = "web";
    private static final int PORT = 8080;
    private static final long REPLACE_TIMEOUT_MILLIS = 15_000;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private String host;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Lab.unavailableReason().ifPresent(r -> {
            throw CliException.user("trellis demo " + r.replaceFirst("^the lab ", "") + "; run it as root");
        });
        Lab lab = new Lab(out);
        TunnelDemo tunnelDemo = new TunnelDemo(out);
        try {
            step("Start a single-node cluster in its own network namespace", "lab", "up", "--nodes", "1");
            host = Lab.node("node1").orElseThrow().host();
            run("node", "ls");
            step("Run 3 replicas of the built-in HTTP workload; each task gets its own network and mount namespace",
                    "service", "create", "--name", SERVICE, "--replicas", "3", "trellis/http",
                    "trellis", "workload", "http", "--port", String.valueOf(PORT));
            run("service", "ls");
            run("service", "ps", SERVICE);
            banner("Ask every task over HTTP, from inside its own namespace");
            for (TaskView t : running()) {
                out.printf("  %s  -> %s%n", t.name(), askTask(t).replace('\n', ' ').strip());
            }
            TaskView victim = running().get(0);
            banner("Kill task " + victim.name() + " (pid " + victim.pid() + ") the hard way; the orchestrator replaces it");
            ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
            long replacedIn = awaitReplacement(victim);
            out.printf("  replaced in %d ms%n", replacedIn);
            run("service", "ps", SERVICE);
            run("service", "logs", "--tail", "2", SERVICE);
            banner("What Prometheus scrapes from /metrics (excerpt)");
            for (String line : AgentConnection.to(host).text("/metrics").split("\n")) {
                if (line.startsWith("trellis_tasks{state=\"running\"") || line.startsWith("trellis_tasks{state=\"failed\"")
                        || line.startsWith("trellis_raft_commit_index") || line.startsWith("trellis_raft_leader")) {
                    out.println("  " + line);
                }
            }
            step("Scale and remove", "service", "scale", SERVICE + "=1");
            run("service", "rm", SERVICE);
            banner("The user-space VXLAN data plane talks to Linux kernel VXLAN");
            tunnelDemo.run();
        } finally {
            banner("Tear everything down");
            tunnelDemo.close();
            out.println("$ trellis lab down");
            out.flush();
            lab.down();
            out.println("lab is down");
            out.flush();
        }
        return 0;
    }

    private void banner(String text) {
        out.println();
        out.println("== " + text);
        out.flush();
    }

    private void step(String text, String... args) {
        banner(text);
        run(args);
    }

    private void run(String... args) {
        out.println("$ trellis " + String.join(" ", args));
        out.flush();
        List<String> argv = new ArrayList<>(List.of(args));
        if (host != null) {
            argv.add(2, "--host=" + host);
        }
        int code = Main.execute(out, spec.commandLine().getErr(), argv.toArray(String[]::new));
        if (code != 0) {
            throw new CliException(code, "demo step failed: trellis " + String.join(" ", args));
        }
    }

    private List<TaskView> running() {
        return AgentConnection.to(host).get(ServiceCommand.path(SERVICE) + "/tasks",
                        new TypeReference<List<TaskView>>() { }).stream()
                .filter(t -> t.state().equals("Running") && t.desiredState().equals("Running"))
                .toList();
    }

    private long awaitReplacement(TaskView victim) throws InterruptedException {
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < REPLACE_TIMEOUT_MILLIS) {
            List<TaskView> now = running();
            if (now.size() == 3 && now.stream().noneMatch(t -> t.id().equals(victim.id()))) {
                return System.currentTimeMillis() - start;
            }
            Thread.sleep(50);
        }
        throw new CliException(CliException.INTERNAL, "task " + victim.name() + " was not replaced within "
                + REPLACE_TIMEOUT_MILLIS / 1000 + " s");
    }

    /** HTTP GET from inside the task's network namespace: nothing else can reach it before the overlay. */
    private static String askTask(TaskView t) throws Exception {
        return NetworkNamespace.open(Path.of("/run/trellis/netns", t.id())).call(() -> {
            long deadline = System.currentTimeMillis() + 10_000;
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
                    return body < 0 ? response : response.substring(body + 4);
                } catch (IOException e) {
                    if (System.currentTimeMillis() > deadline) {
                        return "no answer: " + e.getMessage();
                    }
                    Thread.sleep(100);
                }
            }
        });
    }
}
