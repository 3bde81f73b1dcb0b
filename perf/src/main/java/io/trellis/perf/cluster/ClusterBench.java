package io.trellis.perf.cluster;

import io.trellis.cli.CliException;
import io.trellis.cli.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Control-plane numbers from real agent processes, run by {@code perf/bench-raft.sh} and
 * {@code perf/bench-cluster.sh} (root: tasks run in namespaces):
 *
 * <pre>
 * ClusterBench writes     --hosts unix://A[,unix://B] [--clients 1,4,16] [--seconds 10] [--warmup 3]
 * ClusterBench failover   --jar trellis.jar --dir DIR [--rounds 5]
 * ClusterBench reschedule --jar trellis.jar --dir DIR [--heartbeats 500ms,5s] [--rounds 3] [--replicas 5]
 * ClusterBench cleanup    --dir DIR
 * </pre>
 *
 * {@code failover} and {@code reschedule} form their own swarm under {@code --dir} (3 managers, and 2
 * workers for reschedule) on 127.78.X.0/24 and remove it at the end; {@code cleanup} removes what an
 * interrupted run left. Results go to stdout in Markdown, progress to stderr.
 */
public final class ClusterBench {
    private static final Map<String, String> DEFAULTS = Map.of("--clients", "1,4,16", "--seconds", "10",
            "--warmup", "3", "--rounds", "5", "--heartbeats", "500ms,5s", "--replicas", "5");

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("give a subcommand: writes, failover, reschedule or cleanup");
        }
        Map<String, String> o = new HashMap<>(DEFAULTS);
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("options are --name value pairs, got \"" + args[i] + "\"");
            }
            o.put(args[i], args[i + 1]);
        }
        switch (args[0]) {
            case "writes" -> System.out.print(AdminWriteLoad.run(
                    Arrays.stream(need(o, "--hosts").split(",")).map(AdminApi::new).toList(),
                    ints(o.get("--clients")), Integer.parseInt(o.get("--warmup")), Integer.parseInt(o.get("--seconds"))));
            case "failover" -> {
                try (LocalCluster c = LocalCluster.form(Path.of(need(o, "--dir")), Path.of(need(o, "--jar")), 3, 0, "5s")) {
                    System.out.print(LeaderFailover.run(c, Integer.parseInt(o.get("--rounds"))));
                }
            }
            case "reschedule" -> {
                for (String hb : o.get("--heartbeats").split(",")) {
                    Duration period = period(hb);
                    Path dir = Path.of(need(o, "--dir")).resolve("hb-" + hb);
                    try (LocalCluster c = LocalCluster.form(dir, Path.of(need(o, "--jar")), 3, 2, hb)) {
                        System.out.print(TaskReschedule.run(c, period, Integer.parseInt(o.get("--replicas")),
                                Integer.parseInt(o.get("--rounds"))));
                    }
                }
            }
            case "cleanup" -> LocalCluster.cleanup(Path.of(need(o, "--dir")));
            default -> usage("unknown subcommand " + args[0] + ": allowed are writes, failover, reschedule, cleanup");
        }
        System.out.flush();
        // The in-process CLI and clients leave non-daemon threads; the run is over.
        System.exit(0);
    }

    private static String need(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            usage(name + " is required");
        }
        return v;
    }

    /** Read as the agent reads its --heartbeat-period, so every spelling it takes works here. */
    private static Duration period(String text) {
        try {
            return DurationText.parse("--heartbeats", text);
        } catch (CliException e) {
            usage(e.getMessage());
            return null;
        }
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String v : csv.split(",")) {
            out.add(Integer.parseInt(v.strip()));
        }
        return out;
    }

    private static void usage(String message) {
        System.err.println("cluster-bench: " + message);
        System.exit(2);
    }
}
