package io.trellis.daemon.network;

import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * This node's view of the ingress network at one moment, for the routing mesh.
 *
 * @param networkId      the ingress network, or null when this node is not on it
 * @param subnet         its subnet (CIDR)
 * @param ownAddress     this node's address on it (its ingress sandbox), or null
 * @param services       the services on it, with their published ports
 * @param endpoints      every endpoint on it: tasks on all nodes and the nodes' sandboxes
 * @param localNetns     the network namespaces of this node's tasks on it, by task ID
 */
public record IngressView(String networkId, String subnet, String ownAddress, List<ServiceEntry> services, List<Endpoint> endpoints,
                          Map<String, Path> localNetns) {
    static final IngressView NONE = new IngressView(null, null, null, List.of(), List.of(), Map.of());

    public IngressView {
        services = List.copyOf(services);
        endpoints = List.copyOf(endpoints);
        localNetns = Map.copyOf(localNetns);
    }
}
