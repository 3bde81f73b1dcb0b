package io.trellis.stack;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.ServiceView;
import io.trellis.api.ShortId;
import io.trellis.api.TaskView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.AgentHostOption;
import io.trellis.cli.CliException;
import io.trellis.cli.ServiceCommand;
import io.trellis.cli.Table;
import io.trellis.stack.compose.CanonicalYaml;
import io.trellis.stack.compose.ComposeException;
import io.trellis.stack.compose.ComposeLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis stack ...}: compose files deployed as a stack of services, as {@code docker stack} does. */
@Command(name = "stack", description = "Manage stacks: compose files deployed as services.", subcommands = {
    StackCommand.Deploy.class, StackCommand.Config.class, StackCommand.Ls.class, StackCommand.Ps.class,
    StackCommand.Services.class, StackCommand.Rm.class})
public final class StackCommand {

    /** The streams every stack verb prints to. */
    abstract static class Verb implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** The compose files merged; warnings to stderr; a bad file is one line, exit 1. */
        ComposeLoader.Loaded load(List<Path> files) {
            ComposeLoader.Loaded loaded;
            try {
                loaded = ComposeLoader.load(files, System.getenv());
            } catch (ComposeException e) {
                throw CliException.user(e.getMessage());
            }
            loaded.warnings().forEach(w -> err().println("warning: " + w));
            err().flush();
            return loaded;
        }
    }

    /** A verb that talks to the agent. */
    abstract static class ClientVerb extends Verb {
        @Mixin
        AgentHostOption host;

        AgentConnection agent() {
            return host.connect();
        }

        /** The stack's services, by name; none is one line, exit 1. */
        List<ServiceView> services(String stack) {
            List<ServiceView> services = new ArrayList<>(ClusterObjects.read(agent()).servicesOf(stack));
            if (services.isEmpty()) {
                throw CliException.user("nothing found in stack: " + stack);
            }
            services.sort(Comparator.comparing(ServiceView::name));
            return services;
        }
    }

    /** {@code --format}: table (default) or json. */
    static boolean json(String format) {
        if (format == null || format.equalsIgnoreCase("table")) {
            return false;
        }
        if (format.toLowerCase(Locale.ROOT).equals("json")) {
            return true;
        }
        throw CliException.user("invalid --format \"" + format + "\": use table or json");
    }

    @Command(name = "deploy", aliases = "up", description = "Deploy a new stack or update an existing one.")
    static final class Deploy extends ClientVerb {
        @Option(names = {"-c", "--compose-file"}, required = true, paramLabel = "FILE",
                description = "Compose file; repeat to merge several, later ones overriding earlier ones.")
        List<Path> files = new ArrayList<>();
        @Option(names = "--prune", description = "Remove the stack's services that are no longer in the files.")
        boolean prune;
        @Parameters(index = "0", paramLabel = "STACK") String stack;

        @Override
        public Integer call() {
            StackLabels.checkStackName(stack);
            StackPlan plan = StackConverter.convert(stack, load(files).file());
            plan.warnings().forEach(w -> err().println("warning: " + w));
            err().flush();
            new StackDeploy(agent(), out()).run(plan, prune);
            return 0;
        }
    }

    @Command(name = "config", description = "Print the compose files merged and interpolated, as one file.")
    static final class Config extends Verb {
        @Option(names = {"-c", "--compose-file"}, required = true, paramLabel = "FILE",
                description = "Compose file; repeat to merge several, later ones overriding earlier ones.")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            out().print(CanonicalYaml.write(load(files).file()));
            out().flush();
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List stacks.")
    static final class Ls extends ClientVerb {
        @Option(names = "--format", description = "table or json") String format;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            Map<String, Integer> stacks = new TreeMap<>();
            for (ServiceView s : ClusterObjects.read(agent()).services()) {
                String stack = StackLabels.stackOf(s);
                if (stack != null) {
                    stacks.merge(stack, 1, Integer::sum);
                }
            }
            if (asJson) {
                List<Map<String, Object>> rows = new ArrayList<>();
                stacks.forEach((name, n) -> rows.add(Map.of("name", name, "services", n)));
                out().println(Json.pretty(rows));
                out().flush();
                return 0;
            }
            Table t = new Table("NAME", "SERVICES");
            stacks.forEach(t::row);
            t.print(out());
            return 0;
        }
    }

    @Command(name = "services", description = "List the services of a stack.")
    static final class Services extends ClientVerb {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = {"-q", "--quiet"}, description = "Only the IDs.") boolean quiet;
        @Parameters(index = "0", paramLabel = "STACK") String stack;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<ServiceView> services = services(stack);
            if (asJson) {
                out().println(Json.pretty(services));
            } else if (quiet) {
                services.forEach(s -> out().println(s.id()));
            } else {
                Table t = new Table("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");
                for (ServiceView s : services) {
                    t.row(ShortId.of(s.id()), s.name(), s.mode(), ServiceCommand.replicas(s), s.image(), s.ports());
                }
                t.print(out());
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "ps", description = "List the tasks of a stack.")
    static final class Ps extends ClientVerb {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = "--no-trunc", description = "Do not truncate IDs and errors.") boolean noTrunc;
        @Parameters(index = "0", paramLabel = "STACK") String stack;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<TaskView> tasks = new ArrayList<>();
            for (ServiceView s : services(stack)) {
                tasks.addAll(agent().get(ServiceCommand.path(s.id()) + "/tasks",
                        new TypeReference<List<TaskView>>() { }));
            }
            if (asJson) {
                out().println(Json.pretty(tasks));
                out().flush();
                return 0;
            }
            ServiceCommand.printTasks(tasks, noTrunc, out());
            return 0;
        }
    }

    @Command(name = "rm", aliases = {"remove", "down"}, description = "Remove one or more stacks.")
    static final class Rm extends ClientVerb {
        @Parameters(arity = "1..*", paramLabel = "STACK") List<String> stacks;

        @Override
        public Integer call() {
            ClusterObjects cluster = ClusterObjects.read(agent());
            for (String stack : stacks) {
                if (cluster.servicesOf(stack).isEmpty() && cluster.networksOf(stack).isEmpty()
                        && cluster.secretsOf(stack).isEmpty()) {
                    throw CliException.user("nothing found in stack: " + stack);
                }
            }
            for (String stack : stacks) {
                new StackRemoval(agent(), out()).remove(stack, cluster);
            }
            return 0;
        }
    }
}
