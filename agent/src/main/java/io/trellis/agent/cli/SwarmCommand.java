package io.trellis.agent.cli;

import io.trellis.agent.api.InfoView;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis swarm ...}. */
@Command(name = "swarm", description = "Manage the swarm.", subcommands = {SwarmCommand.Init.class})
public final class SwarmCommand {

    @Command(name = "init", description = "Initialize a swarm with this node as its first manager.")
    static final class Init extends ClientCommand {
        @Option(names = "--advertise-addr", paramLabel = "IP", description = "Address other nodes reach this one at.")
        String advertiseAddr;

        @Override
        public Integer call() {
            InfoView info = agent().post("/swarm/init",
                    advertiseAddr == null ? Map.of() : Map.of("advertiseAddr", advertiseAddr), InfoView.class);
            out().printf("Swarm initialized: current node (%s) is now a manager.%n", info.nodeId());
            out().flush();
            return 0;
        }
    }
}
