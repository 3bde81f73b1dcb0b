package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.ContainerOptions;
import io.trellis.api.Json;
import io.trellis.api.ServiceCreateRequest;
import io.trellis.api.ServiceUpdateRequest;
import io.trellis.api.ServiceView;
import io.trellis.api.ShortId;
import io.trellis.api.TaskView;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis service ...}: the Docker service verbs. */
@Command(name = "service", description = "Manage services.", subcommands = {
    ServiceCommand.Create.class, ServiceCommand.Ls.class, ServiceCommand.Ps.class, ServiceCommand.Inspect.class,
    ServiceCommand.Logs.class, ServiceCommand.Scale.class, ServiceCommand.Update.class, ServiceCommand.Rollback.class,
    ServiceCommand.Rm.class})
public final class ServiceCommand {

    public static String path(String ref) {
        return "/services/" + URLEncoder.encode(ref, StandardCharsets.UTF_8);
    }

    /** Stops at the image: everything after it is the task's command, flags included. */
    @Command(name = "create", description = "Create a new service.")
    static final class Create extends ClientCommand {
        @Option(names = "--name", required = true, description = "Service name.") String name;
        @Option(names = "--replicas", description = "Number of tasks (default 1; replicated mode only).")
        Integer replicas;
        @Option(names = "--mode", paramLabel = "replicated|global",
                description = "replicated (default): --replicas tasks; global: one task on every eligible node.")
        String mode;
        @Option(names = "--constraint", paramLabel = "EXPR",
                description = "Placement constraint, KEY==VALUE or KEY!=VALUE (node.id, node.hostname, node.role,"
                        + " node.labels.NAME); repeat for several, all must hold.")
        List<String> constraints = new ArrayList<>();
        @Option(names = "--placement-pref", paramLabel = "spread=node.labels.NAME",
                description = "Spread the tasks evenly over the values of a node label (nodes without it are one more"
                        + " group); repeat for several, each splitting the groups of the one before.")
        List<String> placementPrefs = new ArrayList<>();
        @Option(names = "--replicas-max-per-node", paramLabel = "N",
                description = "At most N tasks of the service per node (default 0: no limit).")
        Integer maxReplicasPerNode;
        @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
        List<String> env = new ArrayList<>();
        @Option(names = "--network", paramLabel = "NAME|name=NAME,alias=A",
                description = "Attach the tasks to an overlay network, with extra DNS names (alias=); repeat for"
                        + " several (the first gives the default route).")
        List<String> networks = new ArrayList<>();
        @Option(names = "--endpoint-mode", paramLabel = "vip|dnsrr",
                description = "vip (default): one virtual IP per network; dnsrr: DNS answers with the task addresses.")
        String endpointMode;
        @Option(names = {"-p", "--publish"}, paramLabel = "[P:]T[/PROTO]|published=P,target=T,...",
                description = "Publish a port on every node (mode=ingress, default) or only where a task runs"
                        + " (mode=host); long form fields: published, target, protocol=tcp|udp, mode=ingress|host,"
                        + " proxy-protocol=v1|v2. Repeat for several.")
        List<String> publish = new ArrayList<>();
        @Option(names = "--lb-algorithm", paramLabel = "rr|least-conn|maglev",
                description = "How published ports and the VIP pick a task (default rr).")
        String lbAlgorithm;
        @Option(names = "--secret", paramLabel = "NAME|source=NAME,target=ALIAS,uid=N,gid=N,mode=0400",
                description = "Give the tasks a secret as the file /run/secrets/TARGET (target defaults to the name;"
                        + " mode octal, default 0444). Repeat for several.")
        List<String> secrets = new ArrayList<>();
        @Option(names = "--mount", paramLabel = "type=volume|bind|tmpfs,source=SRC,target=DST[,readonly]",
                description = "Mount a named volume (local to each node), a host path (bind) or a tmpfs into the"
                        + " tasks; fields: type (default volume), source/src, target/dst, readonly/ro, tmpfs-size."
                        + " Repeat for several.")
        List<String> mounts = new ArrayList<>();
        @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]|NAME",
                description = "Run the tasks as this user, a name resolved on each node (default nobody, 65534:65534).")
        String user;
        @Option(names = "--cap-add", paramLabel = "CAP",
                description = "Keep this Linux capability (NET_ADMIN or CAP_NET_ADMIN); repeat for several.")
        List<String> capAdd = new ArrayList<>();
        @Option(names = "--cap-drop", paramLabel = "CAP",
                description = "Drop this capability from the default (NET_BIND_SERVICE), or ALL; repeat for several.")
        List<String> capDrop = new ArrayList<>();
        @Option(names = "--runtime", paramLabel = "process|docker",
                description = "Where the tasks run: a sandboxed process, or a container of the node's Docker Engine"
                        + " (default: docker when the node's Engine has the image, else process).")
        String runtime;
        @Option(names = "--container-label", paramLabel = "KEY=VALUE",
                description = "Set a label on each task's container (docker runtime); repeat for several.")
        List<String> containerLabels = new ArrayList<>();
        @Option(names = {"-d", "--detach"}, description = "Return at once instead of waiting for the tasks to run.")
        boolean detach;
        @Mixin HealthResourceFlags taskFlags = new HealthResourceFlags();
        @Mixin UpdateConfigFlags updateFlags = new UpdateConfigFlags();
        @Mixin RollbackConfigFlags rollbackFlags = new RollbackConfigFlags();
        @Mixin RestartFlags restartFlags = new RestartFlags();
        @Parameters(index = "0", paramLabel = "IMAGE") String image;
        @Parameters(index = "1..*", paramLabel = "CMD") List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            FlagChecks.serviceCreate(name, replicas, mode, maxReplicasPerNode, env);
            FlagChecks.serviceNetworks(networks, endpointMode);
            ServiceView s = agent().post("/services",
                    new ServiceCreateRequest(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode,
                            networks, endpointMode, publish, lbAlgorithm,
                            taskFlags.options().withSecrets(secrets).withSandbox(runtime, user, capAdd, capDrop)
                                    .withMounts(mounts).withLabels(containerLabels),
                            null, updateFlags.options(), rollbackFlags.options(), restartFlags.options(),
                            restartFlags.stopGracePeriod, placementPrefs),
                    ServiceView.class);
            out().println(s.id());
            out().flush();
            if (!detach) {
                Convergence.await(agent(), out(), List.of(s.name()));
            }
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List services.")
    static final class Ls extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<ServiceView> services = agent().get("/services", new TypeReference<List<ServiceView>>() { });
            if (asJson) {
                out().println(Json.pretty(services));
                out().flush();
                return 0;
            }
            Table t = new Table("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");
            for (ServiceView s : services) {
                t.row(ShortId.of(s.id()), s.name(), s.mode(), replicas(s), s.image(), s.ports());
            }
            t.print(out());
            return 0;
        }
    }

    /** Docker's REPLICAS column: {@code 2/3}, or {@code 2/3 (max 1 per node)}. */
    public static String replicas(ServiceView s) {
        int max = s.maxReplicasPerNode();
        return s.running() + "/" + s.desired() + (max > 0 ? " (max " + max + " per node)" : "");
    }

    @Command(name = "ps", description = "List the tasks of one or more services.")
    static final class Ps extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = "--no-trunc", description = "Do not truncate IDs and errors.") boolean noTrunc;
        @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> services;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<TaskView> all = new ArrayList<>();
            for (String ref : services) {
                all.addAll(agent().get(path(ref) + "/tasks", new TypeReference<List<TaskView>>() { }));
            }
            if (asJson) {
                out().println(Json.pretty(all));
                out().flush();
                return 0;
            }
            printTasks(all, noTrunc, out());
            return 0;
        }
    }

    /** Docker's task table: the newest task of a slot first, its history below it marked {@code \_}. */
    public static void printTasks(List<TaskView> tasks, boolean noTrunc, PrintWriter out) {
        long now = System.currentTimeMillis();
        Table t = new Table("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS");
        String lastSlot = null;
        for (TaskView task : tasks) {
            String slotKey = task.serviceId() + "/" + task.name(); // a slot, or a global service's node
            String name = slotKey.equals(lastSlot) ? " \\_ " + task.name() : task.name();
            lastSlot = slotKey;
            String error = task.error();
            if (!noTrunc && error.length() > 30) {
                error = error.substring(0, 29) + "…";
            }
            t.row(noTrunc ? task.id() : ShortId.of(task.id()), name, task.image(), task.node(), task.desiredState(),
                    HealthText.state(task) + " " + HumanTime.ago(task.stateSince(), now),
                    error.isEmpty() ? "" : "\"" + error + "\"", "");
        }
        t.print(out);
    }

    @Command(name = "inspect", description = "Display detailed information on one or more services.")
    static final class Inspect extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> services;

        @Override
        public Integer call() {
            List<ServiceView> views = new ArrayList<>();
            for (String ref : services) {
                views.add(agent().get(path(ref), ServiceView.class));
            }
            out().println(Json.pretty(views));
            out().flush();
            return 0;
        }
    }

    @Command(name = "logs", description = "Fetch the output of a service's tasks.")
    static final class Logs extends ClientCommand {
        @Option(names = {"-f", "--follow"}, description = "Keep following new output.") boolean follow;
        @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines of each task.") Integer tail;
        @Option(names = {"-t", "--timestamps"}, description = "Show when each line was written.") boolean timestamps;
        @Parameters(index = "0", paramLabel = "SERVICE") String service;

        @Override
        public Integer call() {
            if (tail != null && tail < 0) {
                throw CliException.user("invalid --tail " + tail + ": must be 0 or more");
            }
            String query = "?follow=" + follow + (tail == null ? "" : "&tail=" + tail)
                    + (timestamps ? "&timestamps=true" : "");
            out().flush();
            try (LineWriterStream sink = new LineWriterStream(out())) {
                agent().stream(path(service) + "/logs" + query, sink);
            }
            return 0;
        }
    }

    @Command(name = "scale", description = "Scale one or more replicated services: SERVICE=REPLICAS...")
    static final class Scale extends ClientCommand {
        @Option(names = {"-d", "--detach"}, description = "Return at once instead of waiting for convergence.")
        boolean detach;
        @Parameters(arity = "1..*", paramLabel = "SERVICE=REPLICAS") List<String> specs;

        @Override
        public Integer call() {
            Map<String, Integer> wanted = new LinkedHashMap<>();
            for (String s : specs) {
                int eq = s.indexOf('=');
                if (eq <= 0 || eq == s.length() - 1) {
                    throw CliException.user("invalid scale specifier \"" + s + "\": expected SERVICE=REPLICAS");
                }
                try {
                    wanted.put(s.substring(0, eq), Integer.parseInt(s.substring(eq + 1)));
                    FlagChecks.replicas(s.substring(0, eq), wanted.get(s.substring(0, eq)));
                } catch (NumberFormatException e) {
                    throw CliException.user("invalid replicas value for " + s.substring(0, eq) + ": \""
                            + s.substring(eq + 1) + "\" is not a number");
                }
            }
            Map<String, Integer> scaled = agent().post("/services/scale", wanted,
                    new TypeReference<Map<String, Integer>>() { });
            scaled.forEach((name, n) -> out().println(name + " scaled to " + n));
            out().flush();
            if (!detach) {
                Convergence.await(agent(), out(), List.copyOf(scaled.keySet()));
            }
            return 0;
        }
    }

    /**
     * Changes a service; a change of its task template (image, command, environment, networks, secrets, health,
     * resources, or {@code --force}) rolls over its tasks as its update config says, and the command follows the
     * rollout until it completes unless {@code --detach}. Without flags it resumes a paused update.
     */
    @Command(name = "update", description = "Update a service: its image, command, environment, replicas, networks,"
            + " published ports, secrets, health check, resources and update configs; roll back with --rollback.")
    static final class Update extends ClientCommand {
        @Option(names = "--image", paramLabel = "IMAGE", description = "Run the tasks from this image.")
        String image;
        @Option(names = "--args", paramLabel = "\"CMD ARG...\"",
                description = "The tasks' command, split as a shell would (\"\" for the image's own).")
        String args;
        @Option(names = "--env-add", paramLabel = "KEY=VALUE", description = "Add or change an environment variable.")
        List<String> envAdd = new ArrayList<>();
        @Option(names = "--env-rm", paramLabel = "KEY", description = "Remove an environment variable.")
        List<String> envRm = new ArrayList<>();
        @Option(names = "--replicas", paramLabel = "N", description = "Number of tasks (replicated mode only).")
        Integer replicas;
        @Option(names = "--network-add", paramLabel = "NAME|name=NAME,alias=A", description = "Attach to a network.")
        List<String> networkAdd = new ArrayList<>();
        @Option(names = "--network-rm", paramLabel = "NETWORK", description = "Detach from a network.")
        List<String> networkRm = new ArrayList<>();
        @Option(names = "--publish-add", paramLabel = "[P:]T[/PROTO]|published=P,target=T,...",
                description = "Publish a port, as --publish of service create.")
        List<String> publishAdd = new ArrayList<>();
        @Option(names = "--publish-rm", paramLabel = "T[/PROTO]|P:T[/PROTO]",
                description = "Stop publishing a port, given by its target port.")
        List<String> publishRm = new ArrayList<>();
        @Option(names = "--lb-algorithm", paramLabel = "rr|least-conn|maglev",
                description = "How published ports and the VIP pick a task.")
        String lbAlgorithm;
        @Option(names = "--force", description = "Replace every task, as an update does, even if nothing else changes.")
        boolean force;
        @Option(names = "--rollback", description = "Go back to the spec before the last update; no other flag with it.")
        boolean rollback;
        @Option(names = "--secret-add", paramLabel = "NAME|source=NAME,target=ALIAS,...",
                description = "Give the tasks a secret, as --secret of service create; replaces the tasks.")
        List<String> secretAdd = new ArrayList<>();
        @Option(names = "--secret-rm", paramLabel = "NAME|TARGET",
                description = "Take a secret away, by its name or target; replaces the tasks.")
        List<String> secretRm = new ArrayList<>();
        @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]|NAME", description = "Run the tasks as this user.")
        String user;
        @Option(names = "--cap-add", paramLabel = "CAP", description = "Keep this Linux capability as well.")
        List<String> capAdd = new ArrayList<>();
        @Option(names = "--cap-drop", paramLabel = "CAP", description = "Drop this capability (or ALL).")
        List<String> capDrop = new ArrayList<>();
        @Option(names = "--runtime", paramLabel = "process|docker", description = "Run the tasks with this runtime.")
        String runtime;
        @Option(names = "--mount-add", paramLabel = "type=volume|bind|tmpfs,source=SRC,target=DST[,readonly]",
                description = "Add a mount, as --mount of service create; replaces the tasks.")
        List<String> mountAdd = new ArrayList<>();
        @Option(names = "--mount-rm", paramLabel = "TARGET",
                description = "Remove the mount at this target path; replaces the tasks.")
        List<String> mountRm = new ArrayList<>();
        @Option(names = "--placement-pref-add", paramLabel = "spread=node.labels.NAME",
                description = "Add a placement preference (after the others); new tasks follow it, running ones stay.")
        List<String> placementPrefAdd = new ArrayList<>();
        @Option(names = "--placement-pref-rm", paramLabel = "spread=node.labels.NAME",
                description = "Remove a placement preference; running tasks stay where they are.")
        List<String> placementPrefRm = new ArrayList<>();
        @Option(names = "--container-label-add", paramLabel = "KEY=VALUE",
                description = "Add or change a container label; replaces the tasks.")
        List<String> containerLabelAdd = new ArrayList<>();
        @Option(names = "--container-label-rm", paramLabel = "KEY",
                description = "Remove a container label; replaces the tasks.")
        List<String> containerLabelRm = new ArrayList<>();
        @Option(names = {"-d", "--detach"}, description = "Return at once instead of following the rollout.")
        boolean detach;
        @Mixin HealthResourceFlags taskFlags = new HealthResourceFlags();
        @Mixin UpdateConfigFlags updateFlags = new UpdateConfigFlags();
        @Mixin RollbackConfigFlags rollbackFlags = new RollbackConfigFlags();
        @Mixin RestartFlags restartFlags = new RestartFlags();
        @Parameters(index = "0", paramLabel = "SERVICE") String service;

        @Override
        public Integer call() {
            FlagChecks.serviceUpdate(networkAdd, service, replicas, envAdd);
            ServiceView s = agent().post(path(service) + "/update",
                    new ServiceUpdateRequest(networkAdd, networkRm, publishAdd, publishRm, lbAlgorithm, force,
                            taskFlags.options().withSandbox(runtime, user, capAdd, capDrop), secretAdd, secretRm,
                            mountAdd, mountRm, image,
                            args == null ? null : ShellWords.split("--args", args), envAdd, envRm, replicas,
                            updateFlags.options(), rollbackFlags.options(), rollback, restartFlags.options(),
                            restartFlags.stopGracePeriod, placementPrefAdd, placementPrefRm, containerLabelAdd,
                            containerLabelRm),
                    ServiceView.class);
            out().println(service);
            out().flush();
            if (!detach) {
                Convergence.awaitUpdate(agent(), out(), s.name(), rollback);
            }
            return 0;
        }
    }

    /** {@code service rollback}: the spec before the last update, rolled out with the rollback config. */
    @Command(name = "rollback", description = "Revert a service to the spec before its last update.")
    static final class Rollback extends ClientCommand {
        @Option(names = {"-d", "--detach"}, description = "Return at once instead of following the rollback.")
        boolean detach;
        @Parameters(index = "0", paramLabel = "SERVICE") String service;

        @Override
        public Integer call() {
            ServiceView s = agent().post(path(service) + "/update", ServiceUpdateRequest.rollbackRequest(),
                    ServiceView.class);
            out().println(service);
            out().flush();
            if (!detach) {
                Convergence.awaitUpdate(agent(), out(), s.name(), true);
            }
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more services.")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> services;

        @Override
        public Integer call() {
            List<String> removed = agent().post("/services/remove", Map.of("services", services),
                    new TypeReference<List<String>>() { });
            removed.forEach(out()::println);
            out().flush();
            return 0;
        }
    }
}
