package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.VolumeView;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trellis volume ...}: the named volumes of the node the CLI talks to. As in Docker, a volume is
 * local to its node; ask each node ({@code -H}) for its own.
 */
@Command(name = "volume", description = "Manage this node's volumes.", subcommands = {
    VolumeCommand.Ls.class, VolumeCommand.Rm.class})
public final class VolumeCommand {

    @Command(name = "ls", aliases = "list", description = "List this node's volumes.")
    static final class Ls extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = {"-q", "--quiet"}, description = "Only display volume names.") boolean quiet;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<VolumeView> volumes = agent().get("/volumes", new TypeReference<List<VolumeView>>() { });
            if (asJson) {
                out().println(Json.pretty(volumes));
            } else if (quiet) {
                volumes.forEach(v -> out().println(v.name()));
            } else {
                Table t = new Table("DRIVER", "VOLUME NAME");
                volumes.forEach(v -> t.row(v.driver(), v.name()));
                t.print(out());
            }
            out().flush();
            return 0;
        }
    }

    /** All or nothing: an unknown volume, or one a running task uses, leaves every other one in place. */
    @Command(name = "rm", aliases = "remove", description = "Remove one or more of this node's volumes.")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "VOLUME") List<String> volumes;

        @Override
        public Integer call() {
            agent().post("/volumes/remove", Map.of("volumes", volumes), new TypeReference<List<String>>() { });
            volumes.forEach(out()::println);
            out().flush();
            return 0;
        }
    }
}
