package io.trellis.agent.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.agent.api.Json;
import io.trellis.agent.api.NodeView;
import io.trellis.controlplane.store.Ids;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis node ...}. */
@Command(name = "node", description = "Manage cluster nodes.", subcommands = {NodeCommand.Ls.class})
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

    static String shortId(String id) {
        return Ids.shortId(id);
    }
}
