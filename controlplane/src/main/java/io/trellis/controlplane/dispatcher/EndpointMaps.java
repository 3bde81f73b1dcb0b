package io.trellis.controlplane.dispatcher;

import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkInfo;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAllocator;
import io.trellis.controlplane.store.NetworkAttachment;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkKey;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every network's endpoint map at one snapshot, and which networks each node is on: what the
 * dispatcher diffs per session. Built once per snapshot and shared by all sessions.
 *
 * <p>A node is on a network while it has a task there that has not ended; it then gets the whole
 * map of that network (endpoints on every node, the services and their VIPs, the keys), and
 * nothing of the others. An endpoint is listed while its task is placed and has not ended, so a
 * starting task is in the FDB before it sends; it is a {@code backend} (VIP, DNS) only while it
 * runs and is meant to.
 */
public final class EndpointMaps {
    static final EndpointMaps EMPTY = new EndpointMaps(-1, Map.of(), Map.of());

    /** One network's map; records, so a session compares what it sent with {@code equals}. */
    record NetworkMap(NetworkInfo info, Map<String, Endpoint> endpoints, Map<String, ServiceEntry> services) {
    }

    private final long index;
    private final Map<String, NetworkMap> networks;
    private final Map<String, Set<String>> networksByNode;

    private EndpointMaps(long index, Map<String, NetworkMap> networks, Map<String, Set<String>> networksByNode) {
        this.index = index;
        this.networks = networks;
        this.networksByNode = networksByNode;
    }

    long index() {
        return index;
    }

    static EndpointMaps of(ClusterSnapshot view) {
        Map<String, Map<String, Endpoint>> endpoints = new HashMap<>();
        Map<String, Set<String>> byNode = new HashMap<>();
        for (Task t : view.tasks().values()) {
            if (t.nodeId() == null || t.status().state().isTerminal() || t.networks().isEmpty()) {
                continue;
            }
            Node node = view.nodes().get(t.nodeId());
            if (node == null || node.address() == null) {
                continue;
            }
            boolean backend = t.status().state() == TaskState.RUNNING && t.desiredState() == TaskState.RUNNING;
            for (NetworkAttachment a : t.networks()) {
                if (!view.networks().containsKey(a.networkId())) {
                    continue;
                }
                endpoints.computeIfAbsent(a.networkId(), k -> new HashMap<>()).put(t.id(), new Endpoint(t.id(),
                        t.name(), t.serviceId(), a.address(), t.nodeId(), node.address(), node.hostname(), backend));
                byNode.computeIfAbsent(t.nodeId(), k -> new HashSet<>()).add(a.networkId());
            }
        }
        Map<String, Map<String, ServiceEntry>> services = new HashMap<>();
        for (Service s : view.services().values()) {
            for (NetworkAttachmentSpec a : s.spec().networks()) {
                services.computeIfAbsent(a.target(), k -> new HashMap<>()).put(s.id(), new ServiceEntry(s.id(),
                        s.name(), a.aliases(), s.virtualIp(a.target()),
                        s.spec().endpointMode().name().toLowerCase(Locale.ROOT), s.spec().ports(),
                        s.spec().lbAlgorithm()));
            }
        }
        addIngressSandboxes(view, endpoints, byNode);
        Map<String, NetworkMap> maps = new HashMap<>();
        for (String networkId : endpoints.keySet()) {
            Network n = view.networks().get(networkId);
            NetworkInfo info = new NetworkInfo(n.id(), n.name(), n.vni(), n.subnet(), n.gateway(), n.spec().encrypted(),
                    n.keys().stream().map(NetworkKey::secret).toList(), n.spec().ingress());
            maps.put(networkId, new NetworkMap(info, Map.copyOf(endpoints.get(networkId)),
                    Map.copyOf(services.getOrDefault(networkId, Map.of()))));
        }
        return new EndpointMaps(view.index(), maps, byNode);
    }

    /**
     * While a service publishes a port in ingress mode, every node listens on it and relays to tasks on other
     * nodes from its own address on the ingress network (its ingress sandbox): every node is then on the
     * ingress network, and each node's sandbox is an endpoint there, never a backend.
     */
    private static void addIngressSandboxes(ClusterSnapshot view, Map<String, Map<String, Endpoint>> endpoints,
                                            Map<String, Set<String>> byNode) {
        Network ingress = NetworkAllocator.ingress(view.networks().values());
        if (ingress == null || view.services().values().stream().noneMatch(s -> s.spec().publishesIngress())) {
            return;
        }
        Map<String, Endpoint> map = endpoints.computeIfAbsent(ingress.id(), k -> new HashMap<>());
        for (Node node : view.nodes().values()) {
            if (node.address() == null || node.ingressAddress() == null) {
                continue;
            }
            String id = sandboxEndpointId(node.id());
            map.put(id, new Endpoint(id, "ingress-sbox", null, node.ingressAddress(), node.id(), node.address(),
                    node.hostname(), false));
            byNode.computeIfAbsent(node.id(), k -> new HashSet<>()).add(ingress.id());
        }
    }

    /** The endpoint ID of a node's ingress sandbox: no task ID can look like it. */
    public static String sandboxEndpointId(String nodeId) {
        return "ingress-sbox-" + nodeId;
    }

    /** The maps of the networks {@code nodeId} is on. */
    Map<String, NetworkMap> forNode(String nodeId) {
        Map<String, NetworkMap> mine = new HashMap<>();
        for (String networkId : networksByNode.getOrDefault(nodeId, Set.of())) {
            mine.put(networkId, networks.get(networkId));
        }
        return mine;
    }
}
