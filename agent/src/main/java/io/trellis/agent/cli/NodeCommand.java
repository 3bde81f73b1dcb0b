package io.trellis.agent.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.agent.api.Json;
import io.trellis.agent.api.NodeView;
import io.trellis.controlplane.store.Ids;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis node ...}. */
@Command(name = "node", description = "Manage cluster nodes.", subcommands = {NodeCommand.Ls.class,
        NodeCommand.Promote.class, NodeCommand.Demote.class, NodeCommand.Rm.class})
public final class NodeCommand {

    @Command(name = "ls", aliases = "list", description = "List nodes in the cluster.")
    static final class Ls extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;

        @Override
        public Integer call() {
            List<NodeView> nodes = agent().get("/nodes", new TypeReference<List<NodeView>>() { });
            if (json(format)) {
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

    @Command(name = "promote", description = "Promote one or more nodes to manager.")
    static final class Promote extends ClientCommand {
        @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            for (String n : nodes) {
                out().println(agent().post("/nodes/" + encode(n) + "/promote", java.util.Map.of(), java.util.Map.class)
                        .get("message"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "demote", description = "Demote one or more managers to worker.")
    static final class Demote extends ClientCommand {
        @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            for (String n : nodes) {
                out().println(agent().post("/nodes/" + encode(n) + "/demote", java.util.Map.of(), java.util.Map.class)
                        .get("message"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more (down) nodes from the swarm.")
    static final class Rm extends ClientCommand {
        @Option(names = {"-f", "--force"}, description = "Remove a node that is still up (it is cut off).") boolean force;
        @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

        @Override
        public Integer call() {
            for (String n : nodes) {
                agent().delete("/nodes/" + encode(n) + (force ? "?force=true" : ""));
                out().println(n);
            }
            out().flush();
            return 0;
        }
    }

    static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String shortId(String id) {
        return Ids.shortId(id);
    }
}
