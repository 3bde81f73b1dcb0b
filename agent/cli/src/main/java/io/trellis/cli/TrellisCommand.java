package io.trellis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The {@code trellis} root command; {@link Cli} adds the commands a line needs. The agent's
 * address ({@code -H}) is an option of the commands that use one ({@link AgentHostOption}), not of the root.
 */
@Command(name = "trellis",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT, // --help and --version on every subcommand

        versionProvider = VersionProvider.class,
        description = "A Swarm-style cluster agent with a user-space overlay network and routing mesh.")
public final class TrellisCommand {
}
