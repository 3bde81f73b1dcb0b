package io.trellis.dataplane;

import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.Offload;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.port.TapPort;
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
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's overlay data plane as the control plane sees it: networks, local endpoints (a TAP per
 * task and network, moved into the task's namespace) and the remote endpoints the control plane
 * publishes. Every change rebuilds the immutable switch tables; packet threads never lock.
 *
 * <p>Call it from a thread in the node's network namespace: TAPs and the VTEP socket are created in
 * the caller's namespace.
 */
public final class OverlayDataplane implements AutoCloseable {
    /** Inside the task: the overlay interface's name when the task has one network. */
    public static final String ENDPOINT_IFNAME_PREFIX = "eth";

    private final Vtep vtep;
    private final VirtualSwitch sw;
    private final Map<String, NetworkState> networks = new LinkedHashMap<>();
    private final Map<String, LocalEndpoint> endpoints = new LinkedHashMap<>();

    private static final class NetworkState {
        final OverlayNetwork network;
        final NetworkCounters counters = new NetworkCounters();
        List<EndpointInfo> remotes = List.of();

        NetworkState(OverlayNetwork network) {
            this.network = network;
        }
    }

    private record LocalEndpoint(String id, String networkId, int ipv4, long mac, TapPort port) {
    }

    private final Offload offload;

    private OverlayDataplane(Vtep vtep, VirtualSwitch sw, Offload offload) {
        this.vtep = vtep;
        this.sw = sw;
        this.offload = offload;
    }

    /** Binds the VTEP on {@code local:port}. */
    public static OverlayDataplane start(InetAddress local, int port, Transport transport, OffloadMode offloads)
            throws IOException {
        Offload offload = Offload.select(offloads, transport.supportsUdpOffloads());
        Vtep.SwitchRef ref = new Vtep.SwitchRef();
        Vtep vtep = Vtep.bind(transport, local, port, ref, offload.udpSegmentation(), offload.udpReceiveOffload());
        VirtualSwitch sw = new VirtualSwitch(vtep);
        ref.set(sw);
        return new OverlayDataplane(vtep, sw, offload);
    }

    public synchronized void addNetwork(OverlayNetwork n) {
        if (networks.containsKey(n.id())) {
            return;
        }
        for (NetworkState s : networks.values()) {
            if (s.network.vni() == n.vni()) {
                throw new IllegalArgumentException("VNI " + n.vni() + " already belongs to network " + s.network.name());
            }
        }
        networks.put(n.id(), new NetworkState(n));
        rebuild();
    }

    /** Removes a network and detaches its local endpoints. */
    public synchronized void removeNetwork(String networkId) {
        for (LocalEndpoint e : List.copyOf(endpoints.values())) {
            if (e.networkId().equals(networkId)) {
                detach(e.id());
            }
        }
        networks.remove(networkId);
        rebuild();
    }

    /** The control plane's view of endpoints on other nodes for one network; replaces the previous list. */
    public synchronized void setRemoteEndpoints(String networkId, List<EndpointInfo> remotes) {
        state(networkId).remotes = List.copyOf(remotes);
        rebuild();
    }

    /**
     * Gives a task an interface on the network: a TAP created here, moved into {@code taskNetns},
     * renamed {@code ifName}, with the endpoint's MAC, address and the network's MTU, up.
     */
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
        TapPort port = new TapPort(tap, sw, vtep::flush, offload);
        endpoints.put(endpointId, new LocalEndpoint(endpointId, networkId, ipv4, mac, port));
        SwitchTables tables = rebuild();
        port.start(net.network.vni(), find(tables, net.network.vni(), mac));
    }

    private static void configureInside(Path taskNetns, String tapName, String ifName, int ipv4, long mac,
                                        OverlayNetwork network, Offload offload) throws IOException {
        try {
            NetworkNamespace.open(taskNetns).call(() -> {
                try (RtNetlink nl = RtNetlink.open()) {
                    nl.rename(tapName, ifName);
                    nl.setAddress(ifName, MacAddress.of(macBytes(mac)));
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

    private NetworkState state(String networkId) {
        NetworkState s = networks.get(networkId);
        if (s == null) {
            throw new IllegalArgumentException("unknown network " + networkId);
        }
        return s;
    }

    private SwitchTables rebuild() {
        SwitchTables.Builder b = SwitchTables.builder();
        for (NetworkState s : networks.values()) {
            b.network(s.network, s.counters);
        }
        Map<String, Port> ports = new LinkedHashMap<>();
        for (LocalEndpoint e : endpoints.values()) {
            ports.put(e.id(), b.port(e.networkId(), e.mac(), e.ipv4(), false, e.port().sink()));
        }
        for (NetworkState s : networks.values()) {
            for (EndpointInfo r : s.remotes) {
                if (!endpoints.containsKey(r.id())) {
                    b.remote(r);
                }
            }
        }
        SwitchTables tables = b.build();
        sw.update(tables);
        for (LocalEndpoint e : endpoints.values()) {
            e.port().rebind(networks.get(e.networkId()).network.vni(), ports.get(e.id()));
        }
        return tables;
    }

    private static Port find(SwitchTables tables, int vni, long mac) {
        var view = tables.byVni(vni);
        for (int i = 0; i < view.portCount(); i++) {
            if (view.port(i).mac() == mac) {
                return view.port(i);
            }
        }
        throw new IllegalStateException("port for " + Long.toHexString(mac) + " missing after rebuild");
    }

    private static byte[] macBytes(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (40 - 8 * i));
        }
        return b;
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
        vtep.close();
    }
}
