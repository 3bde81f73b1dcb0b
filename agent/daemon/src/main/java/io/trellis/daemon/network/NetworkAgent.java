package io.trellis.daemon.network;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.protocol.ClusterMessages.Assignments;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkChange;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkInfo;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.controlplane.store.NetworkAttachment;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.lb.IpvsVipTables;
import io.trellis.daemon.network.NetworkTables.NetworkState;
import io.trellis.daemon.runtime.TaskNetworking;
import io.trellis.dataplane.dns.EmbeddedDns;
import io.trellis.dataplane.kernel.KernelOverlay;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.overlay.OverlayDataplane;
import io.trellis.dataplane.overlay.OverlayPath;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.netlink.IpPrefix;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the control plane meets the data plane on a node: turns the endpoint maps the dispatcher
 * sends into the state of its {@link OverlayPath} (networks, keys, remote endpoints for the FDB and
 * ARP proxy) and its VIP tables, and gives each local task its interfaces and the embedded DNS
 * ({@link ServiceNames}) on 127.0.0.11 in its namespace. The data path starts when the first network
 * arrives, so a node with no overlay task opens no port and makes no device: {@link DataPath#USERSPACE}
 * binds the VTEP on this node's advertise address ({@link OverlayDataplane}), {@link DataPath#KERNEL}
 * makes a bridge and a kernel VXLAN device per network ({@link KernelOverlay}).
 *
 * <p>Endpoint IDs in the data plane are {@code <network>/<task>}: a task has one per network.
 */
public final class NetworkAgent implements TaskNetworking, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkAgent.class);
    public static final int VXLAN_PORT_DEFAULT = 4789;
    public static final int ESP_PORT_DEFAULT = 4500;
    private static final String SANDBOX = "ingress-sbox";

    private final String nodeId;
    private final InetAddress advertise;
    private final int vxlanPort;
    private final int espPort;
    private final DataPath dataPath;
    private final NetworkTables tables = new NetworkTables();
    private final Map<String, LocalTask> local = new LinkedHashMap<>();
    private final List<Consumer<NetworkAgent>> listeners = new ArrayList<>();
    private final ServiceNames names = new ServiceNames();
    private OverlayPath path;
    private IpvsVipTables ipvs;
    /** The user-space path when it is the one running: its switch balances VIPs and has counters. */
    private OverlayDataplane dataplane;
    private EmbeddedDns dns;

    /** A task of this node with its interfaces: which networks, in which namespace. */
    private record LocalTask(String taskId, Path netns, List<String> networkIds) {
    }

    public NetworkAgent(String nodeId, InetAddress advertise, int vxlanPort, int espPort, DataPath dataPath) {
        this.nodeId = nodeId;
        this.advertise = advertise;
        this.vxlanPort = vxlanPort;
        this.espPort = espPort;
        this.dataPath = dataPath;
    }

    /** Called after each change was programmed (metrics bind new networks' counters). */
    public synchronized void addListener(Consumer<NetworkAgent> l) {
        listeners.add(l);
    }

    /** Applies the network part of an assignment answer; the tasks part is the worker's. */
    public synchronized void apply(Assignments a) {
        if (a.full()) {
            Set<String> keep = new HashSet<>();
            a.networks().forEach(c -> keep.add(c.networkId()));
            for (String id : tables.ids()) {
                if (!keep.contains(id)) {
                    removeNetwork(id);
                }
            }
        }
        for (NetworkChange c : a.networks()) {
            NetworkState s = tables.merge(c, a.full());
            if (s == null) {
                LOG.warn("change for unknown network {} ignored until the next full map", c.networkId());
                continue;
            }
            try {
                program(s, c.network() != null);
            } catch (RuntimeException e) {
                LOG.warn("programming network {} failed: {}", s.info.name(), e.getMessage());
            }
        }
        a.removedNetworks().forEach(this::removeNetwork);
        reindexNames();
        if (!a.networks().isEmpty() || !a.removedNetworks().isEmpty() || a.full()) {
            listeners.forEach(l -> l.accept(this));
        }
    }

    private void program(NetworkState s, boolean definitionChanged) {
        NetworkInfo info = s.info;
        OverlayPath dp = path();
        if (definitionChanged) {
            Ipv4Subnet subnet = Ipv4Subnet.parse(info.subnet());
            dp.addNetwork(new OverlayNetwork(info.id(), info.name(), info.vni(), subnet.network(), subnet.prefixLength(),
                    OverlayNetwork.MTU_DEFAULT, info.encrypted()));
            if (info.encrypted() && !info.keys().isEmpty()) {
                dp.setNetworkKeys(info.id(), info.keys().stream()
                        .map(k -> MasterKey.of(Base64.getDecoder().decode(k))).toList());
            }
        }
        List<EndpointInfo> remotes = new ArrayList<>();
        for (Endpoint e : s.endpoints.values()) {
            if (nodeId.equals(e.nodeId())) {
                continue;
            }
            try {
                int ip = Ipv4Subnet.parseAddress(e.address());
                remotes.add(new EndpointInfo(endpointId(info.id(), e.taskId()), info.id(), ip, EndpointAddress.macOf(ip),
                        Ipv4Subnet.parseAddress(e.nodeAddress())));
            } catch (IllegalArgumentException bad) {
                LOG.warn("endpoint {} on network {} skipped: {}", e.taskName(), info.name(), bad.getMessage());
            }
        }
        dp.setRemoteEndpoints(info.id(), remotes);
        programVips(info.id(), vipServices(s));
    }

    /**
     * The one place a network's VIP tables are handed to what balances them: the user-space switch on
     * the user-space path; on the kernel path, which has no switch, IPVS.
     */
    private void programVips(String networkId, List<VipService> services) {
        if (ipvs != null) {
            ipvs.setServices(networkId, services);
        } else {
            dataplane.setServices(networkId, services);
        }
    }

    /**
     * Hands VIPs to IPVS ({@code --lb ipvs}) instead of the user-space switch, before the first network arrives.
     * The kernel data path has no switch and is never started without it.
     */
    public synchronized void balanceInKernel(IpvsVipTables tables) {
        this.ipvs = tables;
    }

    /** The VIP tables in IPVS, or null when the user-space switch balances VIPs. */
    public synchronized IpvsVipTables ipvsIfUsed() {
        return ipvs;
    }

    /** The VIP table of one network: each VIP service with the endpoints that are running backends. */
    private static List<VipService> vipServices(NetworkState s) {
        List<VipService> vips = new ArrayList<>();
        for (ServiceEntry svc : s.services.values()) {
            if (svc.vip() == null) {
                continue;
            }
            List<VipBackend> backends = new ArrayList<>();
            for (Endpoint e : s.endpoints.values()) {
                if (e.backend() && e.serviceId().equals(svc.serviceId())) {
                    backends.add(new VipBackend(e.taskId(), e.nodeName(), Ipv4Subnet.parseAddress(e.address())));
                }
            }
            backends.sort(java.util.Comparator.comparing(VipBackend::taskId));
            vips.add(new VipService(svc.serviceId(), svc.name(), s.info.id(), Ipv4Subnet.parseAddress(svc.vip()),
                    backends, svc.lbAlgorithm()));
        }
        return vips;
    }

    private void removeNetwork(String networkId) {
        NetworkState s = tables.remove(networkId);
        if (s != null && ipvs != null) {
            ipvs.removeNetwork(networkId);
        }
        if (s != null && path != null) {
            path.removeNetwork(networkId);
            LOG.info("left network {}: no task of this node is on it any more", s.info.name());
        }
    }

    /**
     * Gives a task one interface per network ({@code eth0}, {@code eth1}, … in the order of its
     * attachments) in {@code netns}, and a default route through the first. Called before the
     * task's command starts, and again for a task adopted after an agent restart (whose interfaces
     * went away with the previous agent's TAP descriptors).
     *
     * @throws IOException if a network is not known here yet, or an interface cannot be made
     */
    @Override
    public synchronized void attach(Task task, Path netns) throws IOException {
        if (task.networks().isEmpty()) {
            return;
        }
        detach(task.id());
        List<String> attached = new ArrayList<>();
        try {
            int i = 0;
            for (NetworkAttachment a : task.networks()) {
                NetworkState s = tables.get(a.networkId());
                if (s == null) {
                    throw new IOException("network " + a.networkId() + " is not known on this node yet");
                }
                int ip = Ipv4Subnet.parseAddress(a.address());
                path().attach(a.networkId(), endpointId(a.networkId(), task.id()), netns,
                        OverlayDataplane.ENDPOINT_IFNAME_PREFIX + i, ip, EndpointAddress.macOf(ip));
                attached.add(a.networkId());
                i++;
            }
            defaultRoute(netns, OverlayDataplane.ENDPOINT_IFNAME_PREFIX + 0);
            if (ipvs != null) {
                ipvs.attach(task.id(), netns, attached);
            }
            dns().attach(task.id(), netns);
        } catch (IOException | RuntimeException e) {
            if (ipvs != null) {
                ipvs.detach(task.id());
            }
            for (String n : attached) {
                path.detach(endpointId(n, task.id()));
            }
            throw e;
        }
        local.put(task.id(), new LocalTask(task.id(), netns, attached));
        reindexNames();
        listeners.forEach(l -> l.accept(this));
    }

    private EmbeddedDns dns() throws IOException {
        if (dns == null) {
            dns = new EmbeddedDns(names);
        }
        return dns;
    }

    /** The embedded DNS (its counters), or null before the first task with a network. */
    public synchronized EmbeddedDns dnsIfStarted() {
        return dns;
    }

    private void reindexNames() {
        Map<String, List<String>> taskNetworks = new HashMap<>();
        local.values().forEach(t -> taskNetworks.put(t.taskId(), t.networkIds()));
        names.rebuild(tables.all(), taskNetworks);
    }

    private static void defaultRoute(Path netns, String dev) throws IOException {
        try {
            NetworkNamespace.open(netns).call(() -> {
                try (RtNetlink nl = RtNetlink.open()) {
                    nl.addRoute(IpPrefix.parse("0.0.0.0/0"), null, dev);
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("default route in " + netns + ": " + e.getMessage(), e);
        }
    }

    /** Takes a task's interfaces away (they also vanish with its namespace). */
    @Override
    public synchronized void detach(String taskId) {
        LocalTask t = local.remove(taskId);
        if (t != null && path != null) {
            for (String n : t.networkIds()) {
                path.detach(endpointId(n, taskId));
            }
        }
        if (t != null) {
            if (ipvs != null) {
                ipvs.detach(taskId);
            }
            if (dns != null) {
                dns.detach(taskId);
            }
            reindexNames();
            listeners.forEach(l -> l.accept(this));
        }
    }

    /** Whether the task has its interfaces from this agent. */
    @Override
    public synchronized boolean attached(String taskId) {
        return local.containsKey(taskId);
    }

    /**
     * What the routing mesh needs of this node's maps: the ingress network (null when the node is not on
     * it), this node's own address there, the services and endpoints on it, and the namespaces of this
     * node's tasks on it by task ID.
     */
    public synchronized IngressView ingressView() {
        for (NetworkState s : tables.all()) {
            if (!s.info.ingress()) {
                continue;
            }
            String own = null;
            for (Endpoint e : s.endpoints.values()) {
                if (nodeId.equals(e.nodeId()) && e.serviceId() == null) {
                    own = e.address();
                }
            }
            Map<String, Path> namespaces = new HashMap<>();
            for (LocalTask t : local.values()) {
                if (t.networkIds().contains(s.info.id())) {
                    namespaces.put(t.taskId(), t.netns());
                }
            }
            return new IngressView(s.info.id(), s.info.subnet(), own, List.copyOf(s.services.values()),
                    List.copyOf(s.endpoints.values()), namespaces);
        }
        return IngressView.NONE;
    }

    /** The network namespace of a local task with interfaces from this agent, or null. */
    public synchronized Path netnsOf(String taskId) {
        LocalTask t = local.get(taskId);
        return t == null ? null : t.netns();
    }

    /**
     * Gives the node's ingress sandbox its interface on the ingress network ({@code eth0}, the node's
     * ingress address): the routing mesh's connections to tasks on other nodes leave from there.
     */
    public synchronized void attachSandbox(String networkId, String address, Path netns) throws IOException {
        detachSandbox(networkId);
        int ip = Ipv4Subnet.parseAddress(address);
        path().attach(networkId, endpointId(networkId, SANDBOX), netns, OverlayDataplane.ENDPOINT_IFNAME_PREFIX + 0,
                ip, EndpointAddress.macOf(ip));
    }

    public synchronized void detachSandbox(String networkId) {
        if (path != null) {
            path.detach(endpointId(networkId, SANDBOX));
        }
    }

    /**
     * The user-space data plane (its counters and VIP tables), once the first network arrived; null
     * before, and always null on the kernel path, which has neither.
     */
    public synchronized OverlayDataplane dataplaneIfStarted() {
        return dataplane;
    }

    /** The data path this agent runs ({@code --dataplane}). */
    public DataPath dataPath() {
        return dataPath;
    }

    /** Task names of every endpoint this node knows, by task ID. */
    public synchronized Map<String, String> taskNames() {
        Map<String, String> names = new HashMap<>();
        tables.all().forEach(s -> s.endpoints.values().forEach(e -> names.put(e.taskId(), e.taskName())));
        return names;
    }

    /** Names of the networks this node is on, by ID. */
    public synchronized Map<String, String> networkNames() {
        Map<String, String> names = new LinkedHashMap<>();
        tables.all().forEach(s -> names.put(s.info.id(), s.info.name()));
        return names;
    }

    private OverlayPath path() {
        if (path == null) {
            path = dataPath == DataPath.KERNEL ? startKernelPath() : startUserSpacePath();
        }
        return path;
    }

    private OverlayPath startUserSpacePath() {
        try {
            dataplane = OverlayDataplane.start(advertise, vxlanPort, espPort, Transport.parse("auto", true),
                    OffloadMode.AUTO);
        } catch (IOException e) {
            throw new UncheckedIOException("binding the VTEP on " + advertise.getHostAddress() + ":" + vxlanPort
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("VTEP bound on {}:{} (UDP)", advertise.getHostAddress(), vxlanPort);
        return dataplane;
    }

    private OverlayPath startKernelPath() {
        if (!(advertise instanceof Inet4Address v4)) {
            throw new IllegalStateException("the kernel data path needs an IPv4 advertise address, not "
                    + advertise.getHostAddress());
        }
        try {
            KernelOverlay kernel = KernelOverlay.start(v4, vxlanPort);
            LOG.info("kernel data path: a bridge and a VXLAN device per network, from {} to UDP port {}",
                    advertise.getHostAddress(), vxlanPort);
            return kernel;
        } catch (IOException e) {
            throw new UncheckedIOException("starting the kernel data path failed: " + e.getMessage(), e);
        }
    }

    static String endpointId(String networkId, String taskId) {
        return networkId + "/" + taskId;
    }

    @Override
    public synchronized void close() {
        local.clear();
        if (dns != null) {
            dns.close();
            dns = null;
        }
        if (path != null) {
            path.close();
            path = null;
            dataplane = null;
        }
    }
}
