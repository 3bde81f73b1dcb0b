package io.trellis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code trellis} root command with the client commands; {@link Cli} adds the rest. */
@Command(name = "trellis",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT, // --help and --version on every subcommand

        versionProvider = VersionProvider.class,
        description = "A Swarm-style cluster agent with a user-space overlay network and routing mesh.",
        subcommands = {
            SwarmCommand.class,
            NodeCommand.class,
            ServiceCommand.class,
        })
public final class TrellisCommand {

    @Option(names = {"-H", "--host"}, scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Agent to talk to: unix:///path or tcp://host:port (default: $TRELLIS_HOST, then "
                    + AgentConnection.HOST_DEFAULT + ").")
    String host;

    @Mixin
    TlsOptions tls;

    /** The TLS files given on the command line (each may be null). */
    public TlsOptions tls() {
        return tls;
    }

    /** The {@code -H/--host} given on the command line, or null. */
    public String host() {
        return host;
    }
}
