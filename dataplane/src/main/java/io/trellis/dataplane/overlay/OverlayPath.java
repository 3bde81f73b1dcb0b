package io.trellis.dataplane.overlay;

import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.ipsec.keyring.MasterKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a node's agent needs of an overlay data path, whichever switches the frames: networks, their
 * keys, the endpoints on other nodes, and one interface per local task and network. Implemented by
 * the user-space {@link OverlayDataplane} and by the kernel's bridge and VXLAN devices
 * ({@code io.trellis.dataplane.kernel.KernelOverlay}); both put the same frames on the wire, so
 * nodes on either path share a network.
 *
 * <p>Endpoint MACs are {@code EndpointAddress.macOf(ip)} on both paths: a node finds a remote
 * endpoint's MAC from its address alone.
 */
public interface OverlayPath extends AutoCloseable {

    /**
     * Adds a network; adding one that is there already does nothing.
     *
     * @throws IllegalArgumentException if its VNI belongs to another network
     * @throws UnsupportedOperationException if this path cannot carry it (the kernel path and
     *     encrypted networks), with the reason a task on it fails with
     */
    void addNetwork(OverlayNetwork network);

    /**
     * The keys of an encrypted network, the send key first.
     *
     * @throws IllegalArgumentException if the network is unknown or not encrypted
     */
    void setNetworkKeys(String networkId, List<MasterKey> keys);

    /** Removes a network and detaches its local endpoints. */
    void removeNetwork(String networkId);

    /** The endpoints on other nodes of one network, with their nodes' VTEPs; replaces the previous list. */
    void setRemoteEndpoints(String networkId, List<EndpointInfo> remotes);

    /**
     * Gives a task an interface {@code ifName} on the network inside {@code taskNetns}, with address
     * {@code ipv4} in the network's subnet, MAC {@code mac} and the network's MTU, up.
     *
     * @throws IOException if the interface cannot be made, or the network was refused by this path
     */
    void attach(String networkId, String endpointId, Path taskNetns, String ifName, int ipv4, long mac)
            throws IOException;

    /** Takes an endpoint's interface away; unknown endpoints are ignored. */
    void detach(String endpointId);

    /** Releases everything this path made: sockets, devices, interfaces of tasks. */
    @Override
    void close();
}
