package io.trellis.cli;

import io.trellis.api.InfoView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis info}: Docker's {@code docker info} for this node, its host and its part in the swarm. */
@Command(name = "info", description = "Display system-wide information: this node, its host and its swarm.")
public final class InfoCommand extends ClientCommand {
    @Option(names = "--format", description = "table (default: Docker's layout) or json") String format;

    @Override
    public Integer call() {
        boolean asJson = json(format); // before the agent is asked: a bad value is the user's, exit 1
        InfoView info = agent().get("/info", InfoView.class);
        if (asJson) {
            out().println(InfoText.json(info));
        } else {
            out().print(InfoText.render(info));
        }
        out().flush();
        return 0;
    }
}
