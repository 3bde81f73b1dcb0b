package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.NetworkCreateRequest;
import io.trellis.api.NetworkView;
import io.trellis.api.ShortId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis network ...}: the Docker network verbs, for overlay networks that span the swarm. */
@Command(name = "network", description = "Manage overlay networks.", subcommands = {
    NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class, NetworkCommand.Rm.class})
public final class NetworkCommand {

    public static String path(String ref) {
        return "/networks/" + URLEncoder.encode(ref, StandardCharsets.UTF_8);
    }

    @Command(name = "create", description = "Create an overlay network.")
    static final class Create extends ClientCommand {
        @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER",
                description = "Network driver: overlay (the default; the only one that spans the swarm).")
        String driver;
        @Option(names = "--subnet", paramLabel = "CIDR",
                description = "Subnet, e.g. 10.1.0.0/24 (default: the next one of the swarm's address pool).")
        String subnet;
        @Option(names = "--gateway", paramLabel = "IP",
                description = "Gateway address in --subnet (default: its first host address).")
        String gateway;
        @Option(names = "--attachable", description = "Let standalone workloads attach (recorded).")
        boolean attachable;
        @Option(names = {"-o", "--opt"}, paramLabel = "encrypted",
                description = "Driver option: encrypted (ESP between nodes, with a key of its own).")
        List<String> opts = new ArrayList<>();
        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Set a label on the network.")
        List<String> labels = new ArrayList<>();
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            FlagChecks.networkCreate(driver, subnet, gateway, opts, labels);
            NetworkView n = agent().post("/networks",
                    new NetworkCreateRequest(name, driver, subnet, gateway, attachable, opts, labels), NetworkView.class);
            out().println(n.id());
            out().flush();
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List networks.")
    static final class Ls extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = {"-q", "--quiet"}, description = "Only display network IDs.") boolean quiet;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<NetworkView> networks = agent().get("/networks", new TypeReference<List<NetworkView>>() { });
            if (asJson) {
                out().println(Json.pretty(networks));
            } else if (quiet) {
                networks.forEach(n -> out().println(ShortId.of(n.id())));
            } else {
                Table t = new Table("NETWORK ID", "NAME", "DRIVER", "SCOPE");
                for (NetworkView n : networks) {
                    t.row(ShortId.of(n.id()), n.name(), n.driver(), n.scope());
                }
                t.print(out());
            }
            out().flush();
            return 0;
        }
    }

    /** A JSON array, like {@code docker network inspect}; only the JSON form exists. */
    @Command(name = "inspect", description = "Display detailed information on one or more networks.")
    static final class Inspect extends ClientCommand {
        @Option(names = "--format", description = "json (the only form)") String format;
        @Parameters(arity = "1..*", paramLabel = "NETWORK") List<String> networks;

        @Override
        public Integer call() {
            if (format != null && !json(format)) {
                throw CliException.user("invalid --format \"" + format + "\": network inspect prints json");
            }
            List<NetworkView> views = new ArrayList<>();
            for (String ref : networks) {
                views.add(agent().get(path(ref), NetworkView.class));
            }
            out().println(Json.pretty(views));
            out().flush();
            return 0;
        }
    }

    /** All or nothing: an unknown or used network leaves every other one in place. */
    @Command(name = "rm", aliases = "remove", description = "Remove one or more networks.")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "NETWORK") List<String> networks;

        @Override
        public Integer call() {
            agent().post("/networks/remove", Map.of("networks", networks), new TypeReference<List<String>>() { });
            networks.forEach(out()::println); // as given, like docker network rm
            out().flush();
            return 0;
        }
    }
}
