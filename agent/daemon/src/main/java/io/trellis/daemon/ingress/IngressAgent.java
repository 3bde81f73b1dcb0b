package io.trellis.daemon.ingress;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.daemon.lb.IpvsBalancer;
import io.trellis.daemon.lb.IpvsPublishedPorts;
import io.trellis.daemon.network.IngressView;
import io.trellis.daemon.network.NetworkAgent;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.overlay.OverlayDataplane;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.mesh.RoutingMesh;
import io.trellis.ingress.proxy.ProxyEventLoops;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxyOptions;
import io.trellis.ipvs.netlink.MacAddress;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netns.NamespaceHop;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing mesh on this node, driven by the overlay's maps: after each change {@link NetworkAgent}
 * programmed, it recomputes the published ports ({@link IngressPlans}), keeps the ingress sandbox (a network
 * namespace with this node's interface on the ingress network) while a port is published in ingress mode,
 * and reconciles the listeners. Nothing runs, and no thread or namespace exists, while nothing is published.
 */
public final class IngressAgent implements Consumer<NetworkAgent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressAgent.class);
    static final String SANDBOX_NAME = "ingress-sbox";
    private static final String ETH0 = OverlayDataplane.ENDPOINT_IFNAME_PREFIX + 0;

    private final String nodeId;
    private final Path sandboxPath;
    private final TcpProxyOptions tcpOptions;
    private final UdpProxyOptions udpOptions;
    private final Consumer<IngressAgent> changed;
    private final NamespacedSockets sockets = new NamespacedSockets();
    private final Map<String, TaskHop> taskHops = new HashMap<>();
    private ProxyEventLoops loops;
    private RoutingMesh mesh;
    private NamespaceHop sandboxHop;
    private String sandboxKey;
    private NetworkAgent network;
    private IpvsBalancer ipvs;

    private record TaskHop(InetAddress address, Path netns, NamespaceHop hop) {
    }

    /** @param changed called after each reconciliation (metrics bind new ports' counters) */
    public IngressAgent(String nodeId, Path netnsDir, TcpProxyOptions tcpOptions, UdpProxyOptions udpOptions,
                        Consumer<IngressAgent> changed) {
        this.nodeId = nodeId;
        this.changed = changed;
        // Lab nodes share one namespace directory: the node ID keeps their sandboxes apart.
        this.sandboxPath = netnsDir.resolve(SANDBOX_NAME + "-" + nodeId);
        this.tcpOptions = tcpOptions;
        this.udpOptions = udpOptions;
    }

    @Override
    public synchronized void accept(NetworkAgent agent) {
        this.network = agent;
        IngressView view = agent.ingressView();
        try {
            sandbox(agent, view);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ingress sandbox: {}", e.getMessage());
        }
        taskHops(view);
        List<PortPlan> plans = IngressPlans.of(nodeId, view);
        if (ipvs != null) {
            plans = toKernel(plans);
        }
        if (plans.isEmpty() && mesh == null) {
            return;
        }
        mesh().apply(plans, IngressPlans.endpointAddresses(view));
        if (plans.isEmpty()) {
            stopMesh();
        }
        changed.accept(this);
    }

    /**
     * Publishes ports through IPVS ({@code --lb ipvs}) where IPVS can serve them ({@link IpvsPublishedPorts#servable}),
     * before the first change arrives. The rest (host mode, PROXY headers) stay with the user-space relay.
     */
    public synchronized void balanceInKernel(IpvsBalancer balancer) {
        this.ipvs = balancer;
    }

    /** The IPVS balancer of published ports, or null when the user-space relay serves them all. */
    public synchronized IpvsBalancer ipvsIfUsed() {
        return ipvs;
    }

    /** Gives IPVS the ports it can serve; returns those left for the user-space relay. */
    private List<PortPlan> toKernel(List<PortPlan> plans) {
        List<PortPlan> kernel = new ArrayList<>();
        List<PortPlan> rest = new ArrayList<>();
        for (PortPlan p : plans) {
            (IpvsPublishedPorts.servable(p) && sandboxKey != null ? kernel : rest).add(p);
        }
        try {
            List<String> done = ipvs.ports().apply(kernel);
            if (!done.isEmpty()) {
                LOG.info("IPVS published ports: {}", String.join(", ", done));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("IPVS published ports not programmed: {}", e.getMessage());
        }
        return rest;
    }

    /** The listeners now serving, or null while this node publishes nothing. */
    public synchronized RoutingMesh meshIfStarted() {
        return mesh;
    }

    private RoutingMesh mesh() {
        if (mesh == null) {
            loops = ProxyEventLoops.create();
            mesh = new RoutingMesh(loops, sockets, tcpOptions, udpOptions);
            LOG.info("routing mesh started on {} ({} event loops)", loops.transport(),
                    Runtime.getRuntime().availableProcessors());
        }
        return mesh;
    }

    private void stopMesh() {
        mesh.close();
        mesh = null;
        loops.close();
        loops = null;
    }

    private void sandbox(NetworkAgent agent, IngressView view) throws IOException {
        String key = IngressPlans.needsSandbox(view) ? view.networkId() + " " + view.ownAddress() : null;
        if (key == null ? sandboxKey == null : key.equals(sandboxKey)) {
            return;
        }
        removeSandbox(agent);
        if (key == null) {
            return;
        }
        NetworkNamespace.delete(sandboxPath); // a previous agent's, if it crashed
        Files.createDirectories(sandboxPath.getParent());
        try {
            NetworkNamespace.create(sandboxPath);
            agent.attachSandbox(view.networkId(), view.ownAddress(), sandboxPath);
            staticNeighbours(Ipv4Subnet.parse(view.subnet()), view.ownAddress());
            if (ipvs != null) {
                ipvs.link().connect(sandboxPath, view.subnet(), ETH0);
            }
            sandboxHop = NamespaceHop.open(sandboxPath);
        } catch (IOException | RuntimeException e) {
            // Half made: undone, so the next change tries again from scratch.
            agent.detachSandbox(view.networkId());
            NetworkNamespace.delete(sandboxPath);
            throw e;
        }
        sandboxKey = key;
        sockets.sandbox(sandboxHop);
        LOG.info("ingress sandbox up: {} on the ingress network", view.ownAddress());
    }

    /**
     * Every overlay MAC is a function of its IP address, so the sandbox never needs ARP: one permanent
     * neighbour entry per address of the subnet. Without them a connection to a task that reuses the address
     * of one just gone could wait a second on a neighbour entry left unresolved (the kernel's ARP retry).
     */
    private void staticNeighbours(Ipv4Subnet subnet, String own) throws IOException {
        int self = Ipv4Subnet.parseAddress(own);
        try {
            NetworkNamespace.open(sandboxPath).call(() -> {
                try (RtNetlink nl = RtNetlink.open()) {
                    for (long a = (subnet.network() & 0xFFFF_FFFFL) + 1; a < (subnet.last() & 0xFFFF_FFFFL); a++) {
                        int ip = (int) a;
                        if (ip != self) {
                            nl.addNeighbour(ETH0, Ipv4Subnet.inetAddress(ip),
                                    MacAddress.of(EndpointAddress.macOf(ip)), true);
                        }
                    }
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("neighbour entries in " + sandboxPath + ": " + e.getMessage(), e);
        }
    }

    private void removeSandbox(NetworkAgent agent) throws IOException {
        if (sandboxKey == null) {
            return;
        }
        sockets.sandbox(null);
        if (sandboxHop != null) {
            sandboxHop.close();
            sandboxHop = null;
        }
        agent.detachSandbox(sandboxKey.substring(0, sandboxKey.indexOf(' ')));
        NetworkNamespace.delete(sandboxPath);
        sandboxKey = null;
        LOG.info("ingress sandbox removed: no port is published in ingress mode");
    }

    /** One namespace hop per local task on the ingress network, so its connections never cross the overlay. */
    private void taskHops(IngressView view) {
        Map<String, InetAddress> addresses = new HashMap<>();
        for (Endpoint e : view.endpoints()) {
            if (nodeId.equals(e.nodeId()) && view.localNetns().containsKey(e.taskId())) {
                addresses.put(e.taskId(), IngressPlans.address(e.address()));
            }
        }
        for (var it = taskHops.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().netns().equals(view.localNetns().get(e.getKey()))
                    || !e.getValue().address().equals(addresses.get(e.getKey()))) {
                e.getValue().hop().close();
                it.remove();
            }
        }
        for (var e : addresses.entrySet()) {
            if (taskHops.containsKey(e.getKey())) {
                continue;
            }
            Path netns = view.localNetns().get(e.getKey());
            try {
                taskHops.put(e.getKey(), new TaskHop(e.getValue(), netns, NamespaceHop.open(netns)));
            } catch (IOException ex) {
                LOG.warn("task {}: its namespace {} cannot be opened: {}", e.getKey(), netns, ex.getMessage());
            }
        }
        Map<InetAddress, NamespaceHop> byAddress = new HashMap<>();
        taskHops.values().forEach(t -> byAddress.put(t.address(), t.hop()));
        sockets.localTasks(byAddress);
    }

    @Override
    public synchronized void close() {
        if (mesh != null) {
            stopMesh();
        }
        sockets.localTasks(Map.of());
        taskHops.values().forEach(t -> t.hop().close());
        taskHops.clear();
        if (network != null) {
            try {
                removeSandbox(network);
            } catch (IOException | RuntimeException e) {
                LOG.warn("removing the ingress sandbox: {}", e.getMessage());
            }
        }
    }
}
