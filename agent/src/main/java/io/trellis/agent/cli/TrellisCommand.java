package io.trellis.agent.cli;

import io.trellis.agent.workload.WorkloadCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code trellis} root command. */
@Command(name = "trellis",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT, // --help and --version on every subcommand

        versionProvider = Version.class,
        description = "A Swarm-style cluster agent with a user-space overlay network and routing mesh.",
        subcommands = {
            AgentCommand.class,
            SwarmCommand.class,
            NodeCommand.class,
            ServiceCommand.class,
            LabCommand.class,
            DemoCommand.class,
            WorkloadCommand.class,
            VxlanTunnelCommand.class,
        })
public final class TrellisCommand {

    @Option(names = {"-H", "--host"}, scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Agent to talk to: unix:///path or tcp://host:port (default: $TRELLIS_HOST, then "
                    + AgentConnection.HOST_DEFAULT + ").")
    String host;
}
