package io.trellis.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code -H/--host} of the commands that talk to an agent (swarm, node, service, network): mixed into each
 * of them rather than offered on the root, so commands that never contact an agent do not take it.
 */
public final class AgentHostOption {
    @Option(names = {"-H", "--host"}, paramLabel = "URL",
            description = "The agent to talk to: unix:///path or tcp://host:port (default: $TRELLIS_HOST, then "
                    + AgentConnection.HOST_DEFAULT + ").")
    String host;

    /** {@code --tlscacert/--tlscert/--tlskey}: needed where the agent is reached over TCP. */
    @Mixin
    TlsOptions tls;

    /** The flag, else {@code TRELLIS_HOST}, else the default socket. */
    public String resolve() {
        return AgentConnection.resolveHost(host);
    }

    /** The agent these flags name, for commands of other modules (such as {@code stack}). */
    public AgentConnection connect() {
        return AgentConnection.to(host, tls);
    }
}
