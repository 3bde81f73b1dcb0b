package io.trellis.agent.cli;

import io.trellis.agent.api.InfoView;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis swarm ...}. */
@Command(name = "swarm", description = "Manage the swarm.", subcommands = {SwarmCommand.Init.class, SwarmCommand.JoinToken.class})
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

    @Command(name = "join-token", description = "Show or rotate the token that lets a node join as worker or manager.")
    static final class JoinToken extends ClientCommand {
        @Option(names = "--rotate", description = "Replace the token; the old one stops working at once.") boolean rotate;
        @Option(names = {"-q", "--quiet"}, description = "Print the token only.") boolean quiet;
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "worker|manager") String role;

        @Override
        public Integer call() {
            String path = "/swarm/join-token/" + java.net.URLEncoder.encode(role, java.nio.charset.StandardCharsets.UTF_8);
            Map<?, ?> r = rotate ? agent().post(path + "/rotate", Map.of(), Map.class) : agent().get(path, Map.class);
            if (quiet) {
                out().println(r.get("token"));
            } else {
                if (rotate) {
                    out().printf("Successfully rotated %s join token.%n%n", r.get("role"));
                }
                out().printf("To add a %s to this swarm, run the following command:%n%n    trellis swarm join --token %s %s%n%n",
                        r.get("role"), r.get("token"), r.get("manager"));
            }
            out().flush();
            return 0;
        }
    }
}
