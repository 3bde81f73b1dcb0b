package io.trellis.stack;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.NetworkView;
import io.trellis.api.SecretCreateRequest;
import io.trellis.api.SecretView;
import io.trellis.api.ServiceView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.CliException;
import io.trellis.cli.ServiceCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code stack deploy}: the plan checked against the cluster as a whole first (external networks and secrets
 * exist, names are free or already the stack's, every change to an existing service has a route), then networks,
 * secrets and services created, changed services updated and, with {@code --prune}, services no longer in the
 * file removed. Should the cluster still refuse a request half-way, what this run created is removed again.
 */
final class StackDeploy {
    private final AgentConnection agent;
    private final PrintWriter out;

    StackDeploy(AgentConnection agent, PrintWriter out) {
        this.agent = agent;
        this.out = out;
    }

    /** What one deploy will do, decided before anything is sent. */
    private record Steps(List<StackPlan.Network> createNetworks, List<StackPlan.Secret> createSecrets,
                         List<StackPlan.Service> createServices, Map<String, ServiceChanges> updates,
                         List<ServiceView> prune) {
    }

    void run(StackPlan plan, boolean prune) {
        Steps steps = decide(plan, ClusterObjects.read(agent), prune);
        List<Runnable> undo = new ArrayList<>();
        try {
            for (StackPlan.Network n : steps.createNetworks()) {
                out.println("Creating network " + n.name());
                NetworkView v = agent.post("/networks", n.request(), NetworkView.class);
                undo.add(() -> agent.post("/networks/remove", Map.of("networks", List.of(v.id())), List.class));
            }
            for (StackPlan.Secret s : steps.createSecrets()) {
                out.println("Creating secret " + s.name());
                SecretView v = agent.post("/secrets", new SecretCreateRequest(s.name(),
                        Base64.getEncoder().encodeToString(s.data()), s.labels()), SecretView.class);
                undo.add(() -> agent.post("/secrets/remove", Map.of("secrets", List.of(v.id())), List.class));
            }
            for (StackPlan.Service s : steps.createServices()) {
                out.println("Creating service " + s.name());
                ServiceView v = agent.post("/services", s.request(), ServiceView.class);
                undo.add(0, () -> agent.post("/services/remove", Map.of("services", List.of(v.id())), List.class));
            }
        } catch (CliException e) {
            rollBack(undo);
            throw e;
        }
        Map<String, Integer> scale = new LinkedHashMap<>();
        steps.updates().forEach((name, c) -> {
            if (c.update() != null) {
                out.println("Updating service " + name);
                agent.post(ServiceCommand.path(name) + "/update", c.update(), ServiceView.class);
            }
            if (c.scaleTo() != null) {
                scale.put(name, c.scaleTo());
            }
        });
        if (!scale.isEmpty()) {
            scale.forEach((name, n) -> out.println("Scaling service " + name + " to " + n));
            agent.post("/services/scale", scale, new TypeReference<Map<String, Integer>>() { });
        }
        if (!steps.prune().isEmpty()) {
            steps.prune().forEach(s -> out.println("Removing service " + s.name()));
            agent.post("/services/remove", Map.of("services", steps.prune().stream().map(ServiceView::id).toList()),
                    new TypeReference<List<String>>() { });
        }
        out.flush();
    }

    /** Every check, before anything changes: one line for the first problem. */
    private static Steps decide(StackPlan plan, ClusterObjects cluster, boolean prune) {
        String stack = plan.stack();
        List<StackPlan.Network> networks = new ArrayList<>();
        for (StackPlan.Network n : plan.networks()) {
            Optional<NetworkView> existing = cluster.network(n.name());
            if (n.external()) {
                if (existing.isEmpty()) {
                    throw CliException.user("network " + n.name() + " is declared as external, but could not be found;"
                            + " create it first (trellis network create -d overlay " + n.name() + ")");
                }
            } else if (existing.isEmpty()) {
                networks.add(n);
            } else if (!stack.equals(StackLabels.stackOf(existing.get().labels()))) {
                throw CliException.user("network " + n.name() + " already exists and is not part of stack " + stack);
            }
        }
        List<StackPlan.Secret> secrets = new ArrayList<>();
        for (StackPlan.Secret s : plan.secrets()) {
            Optional<SecretView> existing = cluster.secret(s.name());
            if (s.external()) {
                if (existing.isEmpty()) {
                    throw CliException.user("secret " + s.name() + " is declared as external, but could not be found;"
                            + " create it first (trellis secret create " + s.name() + " FILE)");
                }
            } else if (existing.isEmpty()) {
                secrets.add(s);
            } else if (!stack.equals(StackLabels.stackOf(existing.get().labels()))) {
                throw CliException.user("secret " + s.name() + " already exists and is not part of stack " + stack);
            } else if (existing.get().size() != s.data().length) {
                throw CliException.user("secret " + s.name() + " has changed, and a secret's value cannot change:"
                        + " give it a new name (secrets." + s.key() + ".name) to deploy the new value");
            }
        }
        List<StackPlan.Service> creates = new ArrayList<>();
        Map<String, ServiceChanges> updates = new LinkedHashMap<>();
        for (StackPlan.Service s : plan.services()) {
            Optional<ServiceView> existing = cluster.service(s.name());
            if (existing.isEmpty()) {
                creates.add(s);
                continue;
            }
            if (!stack.equals(StackLabels.stackOf(existing.get()))) {
                throw CliException.user("service " + s.name() + " already exists and is not part of stack " + stack);
            }
            ServiceChanges c = ServiceChanges.of(existing.get(), s.request(), cluster.networkNames(),
                    cluster.ingressIds());
            if (!c.unsupported().isEmpty()) {
                throw CliException.user("service " + s.name() + ": changing the " + String.join(", ", c.unsupported())
                        + " of an existing service is not supported yet; remove the service first"
                        + " (trellis service rm " + s.name() + ")");
            }
            if (!c.none()) {
                updates.put(s.name(), c);
            }
        }
        List<ServiceView> removals = new ArrayList<>();
        if (prune) {
            List<String> wanted = plan.services().stream().map(StackPlan.Service::name).toList();
            cluster.servicesOf(stack).stream().filter(s -> !wanted.contains(s.name())).forEach(removals::add);
        }
        return new Steps(networks, secrets, creates, updates, removals);
    }

    /** Best effort: the refusal that stopped the deploy is what the user must see, not a failure to clean up. */
    private void rollBack(List<Runnable> undo) {
        for (Runnable u : undo) {
            try {
                u.run();
            } catch (CliException e) {
                out.println("could not remove what this deploy created: " + e.getMessage());
            }
        }
        out.flush();
    }
}
