package io.trellis.dataplane.kernel;

import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.overlay.OverlayPath;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.libc.LinuxConstants;
import io.trellis.ipvs.netlink.Link;
import io.trellis.ipvs.netlink.MacAddress;
import io.trellis.ipvs.netlink.NetlinkConstants;
import io.trellis.ipvs.netlink.NetlinkException;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netlink.VxlanSpec;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overlay switched by the kernel: per network, in the agent's namespace, a bridge and a VXLAN
 * device on it (the network's VNI, the node's underlay address as source, the agent's VXLAN port, no
 * learning, ARP proxy, the network's MTU); the endpoints on other nodes as static FDB entries (MAC →
 * their node's VTEP) and static neighbour entries (address → MAC, which the ARP proxy answers from);
 * per task a veth pair on the bridge whose other end is the task's {@code ethN}, with the endpoint's
 * address and MAC. The frames on the wire are those of {@link io.trellis.dataplane.overlay.OverlayDataplane},
 * so nodes on either path share a network.
 *
 * <p>It has no VIPs (the kernel balances them with IPVS, outside this class) and no ESP: an encrypted
 * network is refused by {@link #addNetwork}, and attaching a task to it fails with the same reason.
 *
 * <p>Start it on a thread in the agent's namespace: its netlink socket, opened there, keeps acting on
 * that namespace whichever thread calls it later. One per namespace: at start it deletes every device
 * named like its own ({@link KernelNames}), the leftovers of an agent that crashed.
 */
public final class KernelOverlay implements OverlayPath {
    private final RtNetlink nl;
    private final Inet4Address local;
    private final int port;
    private final Map<String, NetworkDevices> networks = new LinkedHashMap<>();
    private final Map<String, String> refused = new HashMap<>();
    private final Map<String, LocalEndpoint> endpoints = new LinkedHashMap<>();

    private static final class NetworkDevices {
        final OverlayNetwork network;
        final String bridge;
        final String vxlan;
        List<EndpointInfo> remotes = List.of();
        RemoteEntries programmed = RemoteEntries.NONE;

        NetworkDevices(OverlayNetwork network) {
            this.network = network;
            this.bridge = KernelNames.bridge(network.vni());
            this.vxlan = KernelNames.vxlan(network.vni());
        }
    }

    private record LocalEndpoint(String id, String networkId, String hostEnd) {
    }

    private KernelOverlay(RtNetlink nl, Inet4Address local, int port) {
        this.nl = nl;
        this.local = local;
        this.port = port;
    }

    /**
     * Removes a crashed agent's leftovers from the calling thread's namespace, then is ready to make
     * networks whose VXLAN devices send from {@code local} to UDP port {@code port}.
     */
    public static KernelOverlay start(Inet4Address local, int port) throws IOException {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("invalid VXLAN port " + port + ": must be 1-65535");
        }
        RtNetlink nl = RtNetlink.open();
        try {
            removeLeftovers(nl);
        } catch (IOException | RuntimeException e) {
            nl.close();
            throw e;
        }
        return new KernelOverlay(nl, local, port);
    }

    /** Deletes every device named like the kernel path's own; veths first, so none outlives its bridge. */
    static int removeLeftovers(RtNetlink nl) throws IOException {
        List<Link> ours = new ArrayList<>();
        for (Link l : nl.listLinks()) {
            if (KernelNames.isOurs(l.name())) {
                ours.add(l);
            }
        }
        ours.sort((a, b) -> Boolean.compare(!"veth".equals(a.kind()), !"veth".equals(b.kind())));
        for (Link l : ours) {
            deleteIfThere(nl, l.name());
        }
        return ours.size();
    }

    @Override
    public synchronized void addNetwork(OverlayNetwork n) {
        if (networks.containsKey(n.id())) {
            return;
        }
        if (n.encrypted()) {
            String reason = "network " + n.name() + " is encrypted, and the kernel data path (--dataplane kernel)"
                    + " does not do ESP: run this node's agent with --dataplane userspace";
            refused.put(n.id(), reason);
            throw new UnsupportedOperationException(reason);
        }
        for (NetworkDevices d : networks.values()) {
            if (d.network.vni() == n.vni()) {
                throw new IllegalArgumentException("VNI " + n.vni() + " already belongs to network " + d.network.name());
            }
        }
        NetworkDevices d = new NetworkDevices(n);
        try {
            deleteIfThere(nl, d.vxlan);
            deleteIfThere(nl, d.bridge);
            nl.createBridge(d.bridge);
            nl.setMtu(d.bridge, n.mtu());
            nl.createVxlan(d.vxlan, VxlanSpec.of(n.vni(), local, port).withLearning(false).withArpProxy(true));
            nl.setMtu(d.vxlan, n.mtu());
            nl.setMaster(d.vxlan, d.bridge);
            nl.setUp(d.vxlan);
            nl.setUp(d.bridge);
        } catch (IOException e) {
            deleteQuietly(d.vxlan);
            deleteQuietly(d.bridge);
            throw new UncheckedIOException("network " + n.name() + ": " + e.getMessage(), e);
        }
        networks.put(n.id(), d);
    }

    /** The kernel path takes no keys: it refuses encrypted networks. */
    @Override
    public synchronized void setNetworkKeys(String networkId, List<MasterKey> keys) {
        String reason = refused.get(networkId);
        throw new IllegalArgumentException(reason != null ? reason
                : "network " + devices(networkId).network.name() + " is not encrypted: it takes no keys");
    }

    @Override
    public synchronized void removeNetwork(String networkId) {
        refused.remove(networkId);
        for (LocalEndpoint e : List.copyOf(endpoints.values())) {
            if (e.networkId().equals(networkId)) {
                detach(e.id());
            }
        }
        NetworkDevices d = networks.remove(networkId);
        if (d != null) {
            // The FDB and neighbour entries go with the VXLAN device.
            deleteQuietly(d.vxlan);
            deleteQuietly(d.bridge);
        }
    }

    /**
     * Brings the VXLAN device's FDB and neighbour entries in line with {@code remotes}: only entries
     * that changed are deleted or added. A failed change is left for the next call to retry.
     */
    @Override
    public synchronized void setRemoteEndpoints(String networkId, List<EndpointInfo> remotes) {
        if (refused.containsKey(networkId)) {
            return;
        }
        NetworkDevices d = devices(networkId);
        d.remotes = List.copyOf(remotes);
        reconcile(d);
    }

    private void reconcile(NetworkDevices d) {
        RemoteEntries next = RemoteEntries.of(d.remotes, r -> endpoints.containsKey(r.id()));
        RemoteEntries.Changes changes = d.programmed.changesTo(next);
        Map<Long, Integer> fdb = new HashMap<>(d.programmed.fdb());
        Map<Integer, Long> neighbours = new HashMap<>(d.programmed.neighbours());
        IOException failed = null;
        for (RemoteEntries.Neighbour n : changes.neighboursRemoved()) {
            try {
                ignoreMissing(() -> nl.deleteNeighbour(d.vxlan, inet(n.ipv4())));
                neighbours.remove(n.ipv4());
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        for (RemoteEntries.Fdb f : changes.fdbRemoved()) {
            try {
                ignoreMissing(() -> nl.deleteFdb(d.vxlan, MacAddress.of(f.mac()), inet(f.vtep())));
                fdb.remove(f.mac());
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        for (RemoteEntries.Fdb f : changes.fdbAdded()) {
            try {
                nl.appendFdb(d.vxlan, MacAddress.of(f.mac()), inet(f.vtep()));
                fdb.put(f.mac(), f.vtep());
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        for (RemoteEntries.Neighbour n : changes.neighboursAdded()) {
            try {
                nl.addNeighbour(d.vxlan, inet(n.ipv4()), MacAddress.of(n.mac()), true);
                neighbours.put(n.ipv4(), n.mac());
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        d.programmed = new RemoteEntries(fdb, neighbours);
        if (failed != null) {
            throw new UncheckedIOException("network " + d.network.name() + ": " + failed.getMessage(), failed);
        }
    }

    /**
     * A veth pair: {@link KernelNames#veth} on the network's bridge here, {@code ifName} in the task's
     * namespace with the endpoint's address, MAC and the network's MTU.
     */
    @Override
    public synchronized void attach(String networkId, String endpointId, Path taskNetns, String ifName, int ipv4,
                                    long mac) throws IOException {
        String reason = refused.get(networkId);
        if (reason != null) {
            throw new IOException(reason);
        }
        NetworkDevices d = devices(networkId);
        if (endpoints.containsKey(endpointId)) {
            throw new IllegalArgumentException("endpoint " + endpointId + " is already attached");
        }
        String hostEnd = KernelNames.veth(d.network.vni(), ipv4);
        deleteIfThere(nl, hostEnd); // a previous attachment's, whose detach never came
        nl.createVeth(hostEnd, ifName, taskNetns);
        try {
            nl.setMtu(hostEnd, d.network.mtu());
            nl.setMaster(hostEnd, d.bridge);
            nl.setUp(hostEnd);
            configureInside(taskNetns, ifName, ipv4, mac, d.network);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(hostEnd);
            throw e;
        }
        endpoints.put(endpointId, new LocalEndpoint(endpointId, networkId, hostEnd));
        reconcile(d);
    }

    private static void configureInside(Path taskNetns, String ifName, int ipv4, long mac, OverlayNetwork network)
            throws IOException {
        try {
            NetworkNamespace.open(taskNetns).call(() -> {
                try (RtNetlink inside = RtNetlink.open()) {
                    inside.setAddress(ifName, MacAddress.of(mac));
                    inside.setMtu(ifName, network.mtu());
                    inside.addAddress(ifName, inet(ipv4), network.prefixLength());
                    inside.setUp(ifName);
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("configuring " + ifName + " in " + taskNetns + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the endpoint's veth pair, if its task's namespace did not take it along already. */
    @Override
    public synchronized void detach(String endpointId) {
        LocalEndpoint e = endpoints.remove(endpointId);
        if (e == null) {
            return;
        }
        deleteQuietly(e.hostEnd());
        NetworkDevices d = networks.get(e.networkId());
        if (d != null) {
            try {
                reconcile(d);
            } catch (UncheckedIOException ignored) {
                // Retried with the network's next change.
            }
        }
    }

    @Override
    public synchronized void close() {
        for (String id : List.copyOf(networks.keySet())) {
            removeNetwork(id);
        }
        refused.clear();
        nl.close();
    }

    private NetworkDevices devices(String networkId) {
        NetworkDevices d = networks.get(networkId);
        if (d == null) {
            throw new IllegalArgumentException("unknown network " + networkId);
        }
        return d;
    }

    private void deleteQuietly(String name) {
        try {
            deleteIfThere(nl, name);
        } catch (IOException ignored) {
            // Best effort: the next start removes what is left by its name.
        }
    }

    private static void deleteIfThere(RtNetlink nl, String name) throws IOException {
        ignoreMissing(() -> nl.deleteLink(name));
    }

    private interface NetlinkCall {
        void run() throws IOException;
    }

    /** Deleting what is gone already (a task's namespace took its veth along) is no failure. */
    private static void ignoreMissing(NetlinkCall call) throws IOException {
        try {
            call.run();
        } catch (NetlinkException e) {
            if (e.errno() != NetlinkConstants.ENODEV && e.errno() != LinuxConstants.ENOENT) {
                throw e;
            }
        }
    }

    private static Inet4Address inet(int ipv4) throws UnknownHostException {
        return (Inet4Address) InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(ipv4).array());
    }
}
