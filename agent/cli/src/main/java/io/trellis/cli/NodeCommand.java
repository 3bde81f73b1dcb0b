package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.NodeUpdateRequest;
import io.trellis.api.NodeView;
import io.trellis.api.ShortId;
import io.trellis.api.TaskView;
import io.trellis.api.Version;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis node ...}. */
@Command(name = "node", description = "Manage cluster nodes.", subcommands = {NodeCommand.Ls.class,
    NodeCommand.Update.class, NodeCommand.Ps.class, NodeCommand.Inspect.class, NodeCommand.Promote.class,
    NodeCommand.Demote.class, NodeCommand.Rm.class})
public final class NodeCommand {

    @Command(name = "ls", aliases = "list", description = "List nodes in the cluster.")
    static final class Ls extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<NodeView> nodes = agent().get("/nodes", new TypeReference<List<NodeView>>() { });
            if (asJson) {
                out().println(Json.pretty(nodes));
                out().flush();
                return 0;
            }
            Table t = new Table("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION");
            for (NodeView n : nodes) {
                t.row(n.id() + (n.self() ? " *" : ""), n.hostname(), n.status(), n.availability(), n.managerStatus(),
                        n.engineVersion());
            }
            t.print(out());
            return 0;
        }
    }

    public static String path(String ref) {
        return "/nodes/" + URLEncoder.encode(ref, StandardCharsets.UTF_8);
    }

    /** Changes what the user controls on a node: availability and labels (not its role). */
    @Command(name = "update", description = "Update a node's availability or labels.")
    static final class Update extends ClientCommand {
        @Option(names = "--availability", paramLabel = "active|pause|drain",
                description = "active: takes tasks; pause: keeps its tasks, takes no new ones;"
                        + " drain: its tasks move to other nodes.")
        String availability;
        @Option(names = "--label-add", paramLabel = "KEY=VALUE", description = "Add or update a node label.")
        List<String> labelAdd = new ArrayList<>();
        @Option(names = "--label-rm", paramLabel = "KEY", description = "Remove a node label (it must exist).")
        List<String> labelRm = new ArrayList<>();
        @Option(names = "--role", paramLabel = "manager|worker",
                description = "Promote to manager or demote to worker (like node promote / node demote).")
        String role;
        @Parameters(index = "0", paramLabel = "NODE") String node;

        @Override
        public Integer call() {
            // Before anything is sent, so a bad flag changes nothing even when --role is applied first.
            FlagChecks.nodeUpdate(availability, labelAdd, labelRm, role);
            if (role != null) {
                agent().post(path(node) + (role.equals("manager") ? "/promote" : "/demote"), java.util.Map.of(),
                        java.util.Map.class);
            }
            if (availability != null || !labelAdd.isEmpty() || !labelRm.isEmpty() || role == null) {
                agent().post(path(node) + "/update", new NodeUpdateRequest(availability, labelAdd, labelRm),
                        NodeView.class);
            }
            out().println(node);
            out().flush();
            return 0;
        }
    }

    /** {@code node ps}: the tasks placed on nodes, in {@code service ps}'s table. */
    @Command(name = "ps", description = "List tasks running on one or more nodes (default: this node).")
    static final class Ps extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = "--no-trunc", description = "Do not truncate IDs and errors.") boolean noTrunc;
        @Parameters(arity = "0..*", paramLabel = "NODE") List<String> nodes = new ArrayList<>();

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<TaskView> all = new ArrayList<>();
            for (String ref : nodes.isEmpty() ? List.of("self") : nodes) {
                all.addAll(agent().get(path(ref) + "/tasks", new TypeReference<List<TaskView>>() { }));
            }
            if (asJson) {
                out().println(Json.pretty(all));
                out().flush();
                return 0;
            }
            ServiceCommand.printTasks(all, noTrunc, out());
            return 0;
        }
    }

    /** {@code node inspect}: JSON by default, or Docker's {@code --pretty} layout. */
    @Command(name = "inspect", description = "Display detailed information on one or more nodes (self: this node).")
    static final class Inspect extends ClientCommand {
        @Option(names = "--pretty", description = "Print a human-friendly format.") boolean pretty;
        @Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            List<NodeView> views = new ArrayList<>();
            for (String ref : nodes) {
                views.add(agent().get(path(ref), NodeView.class));
            }
            if (!pretty) {
                out().println(Json.pretty(views));
            } else {
                for (int i = 0; i < views.size(); i++) {
                    if (i > 0) {
                        out().println();
                    }
                    out().print(pretty(views.get(i)));
                }
            }
            out().flush();
            return 0;
        }
    }

    private static final DateTimeFormatter JOINED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS '+0000 utc'").withZone(ZoneOffset.UTC);

    /** Docker's {@code node inspect --pretty} template, for the fields Trellis has. */
    static String pretty(NodeView n) {
        StringBuilder b = new StringBuilder();
        field(b, "ID:", n.id());
        if (!n.labels().isEmpty()) {
            b.append("Labels:\n");
            new TreeMap<>(n.labels()).forEach((k, v) -> b.append(" - ").append(k)
                    .append(v.isEmpty() ? "" : "=" + v).append('\n'));
        }
        field(b, "Hostname:", n.hostname());
        field(b, "Joined at:", JOINED.format(Instant.ofEpochMilli(n.createdAt())));
        b.append("Status:\n");
        field(b, " State:", n.status());
        field(b, " Availability:", n.availability());
        if (n.address() != null && !n.address().isEmpty()) {
            field(b, " Address:", n.address());
        }
        if (!n.managerStatus().isEmpty()) {
            b.append("Manager Status:\n");
            field(b, " Raft Status:", n.managerStatus().equals("Leader") ? "Reachable" : n.managerStatus());
            field(b, " Leader:", n.managerStatus().equals("Leader") ? "Yes" : "No");
        }
        if (n.resources() != null) {
            b.append("Resources:\n");
            field(b, " CPUs:", HealthText.cpus(n.resources().nanoCpus()));
            field(b, " Memory:", HealthText.memory(n.resources().memoryBytes()));
        }
        if (n.runtimes() != null) {
            field(b, "Runtimes:", String.join(", ", n.runtimes()));
        }
        field(b, "Engine Version:", n.engineVersion());
        return b.toString();
    }

    private static void field(StringBuilder b, String label, String value) {
        b.append(label).append(" ".repeat(Math.max(1, 24 - label.length()))).append(value).append('\n');
    }

    @Command(name = "promote", description = "Promote one or more nodes to manager.")
    static final class Promote extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            for (String n : nodes) {
                out().println(agent().post(path(n) + "/promote", java.util.Map.of(), java.util.Map.class).get("message"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "demote", description = "Demote one or more managers to worker.")
    static final class Demote extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            for (String n : nodes) {
                out().println(agent().post(path(n) + "/demote", java.util.Map.of(), java.util.Map.class).get("message"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more (down) nodes from the swarm.")
    static final class Rm extends ClientCommand {
        @Option(names = {"-f", "--force"}, description = "Remove a node that is still up (it is cut off).") boolean force;
        @Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            for (String n : nodes) {
                agent().delete(path(n) + (force ? "?force=true" : ""));
                out().println(n);
            }
            out().flush();
            return 0;
        }
    }

    static String shortId(String id) {
        return ShortId.of(id);
    }
}
