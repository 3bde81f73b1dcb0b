package io.trellis.stack;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.NetworkView;
import io.trellis.api.SecretView;
import io.trellis.api.ServiceView;
import io.trellis.cli.AgentConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The cluster's networks, secrets and services as one {@code stack} command reads them, once. */
record ClusterObjects(List<NetworkView> networks, List<SecretView> secrets, List<ServiceView> services) {

    static ClusterObjects read(AgentConnection agent) {
        return new ClusterObjects(agent.get("/networks", new TypeReference<List<NetworkView>>() { }),
                agent.get("/secrets", new TypeReference<List<SecretView>>() { }),
                agent.get("/services", new TypeReference<List<ServiceView>>() { }));
    }

    Optional<NetworkView> network(String name) {
        return networks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    Optional<SecretView> secret(String name) {
        return secrets.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    Optional<ServiceView> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    List<ServiceView> servicesOf(String stack) {
        return services.stream().filter(s -> stack.equals(StackLabels.stackOf(s))).toList();
    }

    List<NetworkView> networksOf(String stack) {
        return networks.stream().filter(n -> stack.equals(StackLabels.stackOf(n.labels())))
                .toList();
    }

    List<SecretView> secretsOf(String stack) {
        return secrets.stream().filter(s -> stack.equals(StackLabels.stackOf(s.labels())))
                .toList();
    }

    Map<String, String> networkNames() {
        return networks.stream().collect(Collectors.toMap(NetworkView::id, NetworkView::name, (a, b) -> a));
    }

    Set<String> ingressIds() {
        return networks.stream().filter(NetworkView::ingress).map(NetworkView::id).collect(Collectors.toSet());
    }
}
