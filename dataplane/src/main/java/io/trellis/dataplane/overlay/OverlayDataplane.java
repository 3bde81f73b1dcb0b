package io.trellis.dataplane.overlay;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.lb.BackendCounters;
import io.trellis.dataplane.lb.BackendStats;
import io.trellis.dataplane.lb.ConnectionCounts;
import io.trellis.dataplane.lb.Conntrack;
import io.trellis.dataplane.lb.ConntrackSettings;
import io.trellis.dataplane.lb.ConntrackSweeper;
import io.trellis.dataplane.lb.VipCounters;
import io.trellis.dataplane.lb.VipStats;
import io.trellis.dataplane.lb.VipTable;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.offload.Offload;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.port.TapPort;
import io.trellis.dataplane.secure.EspKeys;
import io.trellis.dataplane.secure.EspMtu;
import io.trellis.dataplane.secure.EspVtep;
import io.trellis.dataplane.switching.Port;
import io.trellis.dataplane.switching.SwitchTables;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.dataplane.vtep.Vtep;
import io.trellis.ipvs.netlink.MacAddress;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.ipvs.tun.TapDevice;
import io.trellis.ipvs.tun.TapOptions;
import io.trellis.ipsec.keyring.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's overlay data plane as the control plane sees it: networks, local endpoints (a TAP per
 * task and network, moved into the task's namespace) and the remote endpoints the control plane
 * publishes. Every change rebuilds the immutable switch tables; packet threads never lock.
 *
 * <p>Encrypted networks ({@link OverlayNetwork#encrypted()}, docs/encryption.md) have their own
 * switch whose sink is the ESP socket (port 4500 by default, bound when the first encrypted network
 * arrives): their traffic to other nodes is always ESP, their MTU is lowered by the ESP overhead, and
 * the plain VTEP does not know their VNIs, so a plain VXLAN packet can never enter them. Until
 * {@link #setNetworkKeys} gave a network its keys, its traffic to other nodes is dropped, never sent
 * in clear.
 *
 * <p>Services' VIPs ({@link #setServices}) are load balanced by this node's switches for this node's
 * clients, with one connection table for both switches (its keys include the VNI) swept by a
 * daemon thread; {@link #vipStats()} lists them.
 *
 * <p>Call it from a thread in the node's network namespace: TAPs and the VTEP sockets are created in
 * the caller's namespace.
 */
public final class OverlayDataplane implements OverlayPath {
    /** Inside the task: the overlay interface's name when the task has one network. */
    public static final String ENDPOINT_IFNAME_PREFIX = "eth";

    private final Vtep vtep;
    private final VirtualSwitch sw;
    private final InetAddress local;
    private final int espPort;
    private final Transport transport;
    private final Conntrack conntrack;
    private final ConntrackSweeper sweeper;
    /** Bound with the first encrypted network; the switch of encrypted networks sends through it. */
    private EspVtep esp;
    private VirtualSwitch encryptedSw;
    private EspKeys espKeys;
    private final Map<String, NetworkState> networks = new LinkedHashMap<>();
    private final Map<String, LocalEndpoint> endpoints = new LinkedHashMap<>();

    private static final class NetworkState {
        final OverlayNetwork network;
        final NetworkCounters counters = new NetworkCounters();
        final VipCounters vipCounters = new VipCounters();
        List<EndpointInfo> remotes = List.of();
        List<VipService> services = List.of();

        NetworkState(OverlayNetwork network) {
            this.network = network;
        }
    }

    private record LocalEndpoint(String id, String networkId, int ipv4, long mac, TapPort port) {
    }

    private final Offload offload;

    private OverlayDataplane(Vtep vtep, VirtualSwitch sw, Offload offload, InetAddress local, int espPort,
                             Transport transport, Conntrack conntrack, ConntrackSweeper sweeper) {
        this.vtep = vtep;
        this.sw = sw;
        this.offload = offload;
        this.local = local;
        this.espPort = espPort;
        this.transport = transport;
        this.conntrack = conntrack;
        this.sweeper = sweeper;
    }

    /** Binds the VTEP on {@code local:port}; encrypted networks use ESP on port {@value EspVtep#PORT_DEFAULT}. */
    public static OverlayDataplane start(InetAddress local, int port, Transport transport, OffloadMode offloads)
            throws IOException {
        return start(local, port, EspVtep.PORT_DEFAULT, transport, offloads);
    }

    /**
     * Binds the VTEP on {@code local:port}; the ESP socket of encrypted networks will bind
     * {@code local:espPort}. {@code local} must be this node's underlay address, not the wildcard:
     * SAs are derived from the VTEP addresses of both ends.
     */
    public static OverlayDataplane start(InetAddress local, int port, int espPort, Transport transport,
                                         OffloadMode offloads) throws IOException {
        return start(local, port, espPort, transport, offloads, ConntrackSettings.DEFAULT);
    }

    /** As {@link #start(InetAddress, int, int, Transport, OffloadMode)}, with the VIP connection table's size and timeouts. */
    public static OverlayDataplane start(InetAddress local, int port, int espPort, Transport transport,
                                         OffloadMode offloads, ConntrackSettings conntrackSettings) throws IOException {
        Offload offload = Offload.select(offloads, transport.supportsUdpOffloads());
        Vtep.SwitchRef ref = new Vtep.SwitchRef();
        Vtep vtep = Vtep.bind(transport, local, port, ref, offload.udpSegmentation(), offload.udpReceiveOffload());
        Conntrack conntrack = new Conntrack(conntrackSettings);
        VirtualSwitch sw = new VirtualSwitch(vtep, conntrack);
        ref.set(sw);
        ConntrackSweeper sweeper = ConntrackSweeper.start(conntrack, conntrackSettings.sweepInterval());
        return new OverlayDataplane(vtep, sw, offload, local, espPort, transport, conntrack, sweeper);
    }

    /**
     * Adds a network. An encrypted one gets its MTU lowered by the ESP overhead
     * ({@link EspMtu#encryptedMtu}: 1450 → 1408) and, the first time, binds the ESP socket.
     *
     * @throws UncheckedIOException if the ESP socket cannot be bound
     */
    @Override
    public synchronized void addNetwork(OverlayNetwork n) {
        if (networks.containsKey(n.id())) {
            return;
        }
        if (n.encrypted()) {
            startEsp();
            n = new OverlayNetwork(n.id(), n.name(), n.vni(), n.subnet(), n.prefixLength(), EspMtu.encryptedMtu(n.mtu()),
                    true);
        }
        for (NetworkState s : networks.values()) {
            if (s.network.vni() == n.vni()) {
                throw new IllegalArgumentException("VNI " + n.vni() + " already belongs to network " + s.network.name());
            }
        }
        networks.put(n.id(), new NetworkState(n));
        rebuild();
    }

    private void startEsp() {
        if (esp != null) {
            return;
        }
        if (!(local instanceof Inet4Address) || local.isAnyLocalAddress()) {
            throw new IllegalStateException("encrypted networks need the VTEP bound to this node's IPv4 underlay address,"
                    + " not " + local.getHostAddress() + ": SAs are derived from both ends' addresses");
        }
        EspKeys keys = new EspKeys(ByteBuffer.wrap(local.getAddress()).getInt());
        try {
            esp = EspVtep.bind(transport, local, espPort, keys, offload.udpSegmentation(), offload.udpReceiveOffload());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        espKeys = keys;
        encryptedSw = new VirtualSwitch(esp, conntrack);
        esp.attach(encryptedSw);
    }

    /**
     * The keys of encrypted network {@code networkId}, the send key first (docs/encryption.md §3): the
     * control plane calls it with each rotation step's list ({@code [K1, K2]}, {@code [K2, K1]},
     * {@code [K2]}); SAs of keys that stay keep their counters and replay windows.
     *
     * @throws IllegalArgumentException if the network is unknown or not encrypted, or the list is empty
     * @throws IllegalStateException    if a key's id or SPIs collide with another installed key's
     */
    @Override
    public synchronized void setNetworkKeys(String networkId, List<MasterKey> keys) {
        OverlayNetwork n = state(networkId).network;
        if (!n.encrypted()) {
            throw new IllegalArgumentException("network " + n.name() + " is not encrypted: it takes no keys");
        }
        espKeys.setKeys(n.vni(), keys);
    }

    /** Removes a network and detaches its local endpoints. */
    @Override
    public synchronized void removeNetwork(String networkId) {
        for (LocalEndpoint e : List.copyOf(endpoints.values())) {
            if (e.networkId().equals(networkId)) {
                detach(e.id());
            }
        }
        NetworkState removed = networks.remove(networkId);
        if (removed != null && removed.network.encrypted()) {
            espKeys.remove(removed.network.vni());
        }
        rebuild();
    }

    /** The control plane's view of endpoints on other nodes for one network; replaces the previous list. */
    @Override
    public synchronized void setRemoteEndpoints(String networkId, List<EndpointInfo> remotes) {
        state(networkId).remotes = List.copyOf(remotes);
        rebuild();
    }

    /**
     * The services with a VIP on {@code networkId}, replacing the previous list: the switch answers
     * ARP for each VIP and balances this node's clients' flows to it over its backends. A flow
     * keeps its backend while that backend stays listed; backends' counters survive the change.
     */
    public synchronized void setServices(String networkId, List<VipService> services) {
        NetworkState s = state(networkId);
        for (VipService v : services) {
            if (!v.networkId().equals(networkId)) {
                throw new IllegalArgumentException("service " + v.serviceName() + " is on network " + v.networkId()
                        + ", not " + networkId);
            }
        }
        s.services = List.copyOf(services);
        s.vipCounters.retain(s.services);
        rebuild();
    }

    /**
     * Every VIP of every network, with its backends' connections and traffic as this node saw
     * them (semantics in {@link VipStats}).
     */
    public synchronized List<VipStats> vipStats() {
        ConnectionCounts connections = ConnectionCounts.of(conntrack);
        List<VipStats> out = new ArrayList<>();
        for (NetworkState s : networks.values()) {
            int vni = s.network.vni();
            for (VipService v : s.services) {
                List<BackendStats> backends = new ArrayList<>();
                for (VipBackend b : v.backends()) {
                    BackendCounters c = s.vipCounters.backend(v.vip(), b.taskId());
                    backends.add(new BackendStats(b.taskId(), b.node(), b.ipv4(),
                            connections.active(vni, v.vip(), b.ipv4()), connections.inactive(vni, v.vip(), b.ipv4()),
                            c.packets.sum(), c.bytes.sum()));
                }
                out.add(new VipStats(s.network.id(), v.serviceName(), v.vip(), v.algorithm(), backends));
            }
        }
        return out;
    }

    /** Entries in the VIP connection table (both switches share it), expired ones not yet swept included. */
    public int conntrackEntries() {
        return conntrack.size();
    }

    /**
     * Gives a task an interface on the network: a TAP created here, moved into {@code taskNetns},
     * renamed {@code ifName}, with the endpoint's MAC, address and the network's MTU, up.
     */
    @Override
    public synchronized void attach(String networkId, String endpointId, Path taskNetns, String ifName, int ipv4,
                                    long mac) throws IOException {
        NetworkState net = state(networkId);
        if (endpoints.containsKey(endpointId)) {
            throw new IllegalArgumentException("endpoint " + endpointId + " is already attached");
        }
        String tapName = "tl" + Integer.toHexString(ipv4) + Integer.toHexString(net.network.vni() & 0xFFF);
        TapDevice tap = TapDevice.open(TapOptions.named(tapName).withVnetHeader(offload.tapOffloads()).withNonBlocking());
        try {
            try (RtNetlink nl = RtNetlink.open()) {
                nl.moveToNamespace(tap.name(), taskNetns);
            }
            configureInside(taskNetns, tap.name(), ifName, ipv4, mac, net.network, offload);
        } catch (IOException | RuntimeException e) {
            tap.close();
            throw e;
        }
        boolean encrypted = net.network.encrypted();
        TapPort port = encrypted ? new TapPort(tap, encryptedSw, esp::flush, offload)
                : new TapPort(tap, sw, vtep::flush, offload);
        endpoints.put(endpointId, new LocalEndpoint(endpointId, networkId, ipv4, mac, port));
        rebuild();
        port.start(net.network.vni(), find((encrypted ? encryptedSw : sw).tables(), net.network.vni(), mac));
    }

    private static void configureInside(Path taskNetns, String tapName, String ifName, int ipv4, long mac,
                                        OverlayNetwork network, Offload offload) throws IOException {
        try {
            NetworkNamespace.open(taskNetns).call(() -> {
                try (RtNetlink nl = RtNetlink.open()) {
                    nl.rename(tapName, ifName);
                    nl.setAddress(ifName, MacAddress.of(mac));
                    nl.setMtu(ifName, network.mtu());
                    TapPort.capGsoSegments(nl, ifName, offload);
                    nl.addAddress(ifName, inet(ipv4), network.prefixLength());
                    nl.setUp(ifName);
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("configuring " + ifName + " in " + taskNetns + ": " + e.getMessage(), e);
        }
    }

    /** Stops the endpoint's port; its TAP disappears with the task's namespace or now, whichever is first. */
    @Override
    public synchronized void detach(String endpointId) {
        LocalEndpoint e = endpoints.remove(endpointId);
        if (e != null) {
            rebuild();
            e.port().close();
        }
    }

    public synchronized NetworkCounters counters(String networkId) {
        return state(networkId).counters;
    }

    public Vtep vtep() {
        return vtep;
    }

    /** The ESP socket of encrypted networks (its ESP counters), or null before the first one. */
    public synchronized EspVtep esp() {
        return esp;
    }

    private NetworkState state(String networkId) {
        NetworkState s = networks.get(networkId);
        if (s == null) {
            throw new IllegalArgumentException("unknown network " + networkId);
        }
        return s;
    }

    /**
     * Rebuilds both switches' tables: plain networks on the plain VTEP's switch, encrypted ones on the
     * ESP switch, each knowing only its own VNIs. Encrypted networks' peers are the VTEPs of their
     * remote endpoints.
     */
    private void rebuild() {
        SwitchTables.Builder plain = SwitchTables.builder();
        SwitchTables.Builder encrypted = SwitchTables.builder();
        for (NetworkState s : networks.values()) {
            builder(s.network, plain, encrypted).network(s.network, s.counters)
                    .services(s.network.id(), VipTable.of(s.services, s.vipCounters));
        }
        Map<String, Port> ports = new LinkedHashMap<>();
        for (LocalEndpoint e : endpoints.values()) {
            SwitchTables.Builder b = builder(networks.get(e.networkId()).network, plain, encrypted);
            ports.put(e.id(), b.port(e.networkId(), e.mac(), e.ipv4(), false, e.port().sink()));
        }
        for (NetworkState s : networks.values()) {
            Set<Integer> vteps = new HashSet<>();
            for (EndpointInfo r : s.remotes) {
                if (!endpoints.containsKey(r.id())) {
                    builder(s.network, plain, encrypted).remote(r);
                    vteps.add(r.vtep());
                }
            }
            if (s.network.encrypted()) {
                espKeys.setPeers(s.network.vni(), vteps);
            }
        }
        sw.update(plain.build());
        if (encryptedSw != null) {
            encryptedSw.update(encrypted.build());
        }
        for (LocalEndpoint e : endpoints.values()) {
            e.port().rebind(networks.get(e.networkId()).network.vni(), ports.get(e.id()));
        }
    }

    private static SwitchTables.Builder builder(OverlayNetwork n, SwitchTables.Builder plain, SwitchTables.Builder encrypted) {
        return n.encrypted() ? encrypted : plain;
    }

    private static Port find(SwitchTables tables, int vni, long mac) {
        var view = tables.byVni(vni);
        for (int i = 0; i < view.portCount(); i++) {
            if (view.port(i).mac() == mac) {
                return view.port(i);
            }
        }
        throw new IllegalStateException("port for " + MacAddress.of(mac) + " missing after rebuild");
    }

    static InetAddress inet(int ipv4) throws java.net.UnknownHostException {
        return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(ipv4).array());
    }

    @Override
    public synchronized void close() {
        for (LocalEndpoint e : new ArrayList<>(endpoints.values())) {
            e.port().close();
        }
        endpoints.clear();
        sweeper.close();
        vtep.close();
        if (esp != null) {
            esp.close();
        }
    }
}
