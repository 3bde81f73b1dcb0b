package io.trellis.stack;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.NetworkView;
import io.trellis.api.SecretView;
import io.trellis.api.ServiceView;
import io.trellis.cli.AgentConnection;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code stack rm}: the stack's services first, then the networks and secrets it created (found by the stack's
 * label; external ones never carry it, so they stay). The network removal waits for the services' tasks to end.
 */
final class StackRemoval {
    private final AgentConnection agent;
    private final PrintWriter out;

    StackRemoval(AgentConnection agent, PrintWriter out) {
        this.agent = agent;
        this.out = out;
    }

    void remove(String stack, ClusterObjects cluster) {
        List<ServiceView> services = cluster.servicesOf(stack).stream()
                .sorted(Comparator.comparing(ServiceView::name)).toList();
        if (!services.isEmpty()) {
            services.forEach(s -> out.println("Removing service " + s.name()));
            out.flush();
            agent.post("/services/remove", Map.of("services", services.stream().map(ServiceView::id).toList()),
                    new TypeReference<List<String>>() { });
        }
        List<NetworkView> networks = cluster.networksOf(stack);
        if (!networks.isEmpty()) {
            networks.forEach(n -> out.println("Removing network " + n.name()));
            out.flush();
            agent.post("/networks/remove", Map.of("networks", networks.stream().map(NetworkView::id).toList()),
                    new TypeReference<List<String>>() { });
        }
        List<SecretView> secrets = cluster.secretsOf(stack);
        if (!secrets.isEmpty()) {
            secrets.forEach(s -> out.println("Removing secret " + s.name()));
            out.flush();
            agent.post("/secrets/remove", Map.of("secrets", secrets.stream().map(SecretView::id).toList()),
                    new TypeReference<List<String>>() { });
        }
        out.flush();
    }
}
