package io.trellis.daemon.network;

import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkChange;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkInfo;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's copy of the endpoint maps of the networks it is on, merged from the dispatcher's
 * incremental changes. Not thread-safe: {@link NetworkAgent} guards it.
 */
final class NetworkTables {
    /** One network's map as this node last heard it. */
    static final class NetworkState {
        NetworkInfo info;
        final Map<String, Endpoint> endpoints = new HashMap<>();
        final Map<String, ServiceEntry> services = new HashMap<>();

        NetworkState(NetworkInfo info) {
            this.info = info;
        }
    }

    private final Map<String, NetworkState> networks = new HashMap<>();

    /**
     * Merges one change; with {@code whole} (a new session's answer) the change is the network's
     * whole map and replaces what this node knew. Returns the network's state, or null when the
     * change names a network this node never got the definition of (it then waits for the next
     * full map).
     */
    NetworkState merge(NetworkChange c, boolean whole) {
        NetworkState s = networks.get(c.networkId());
        if (s != null && whole) {
            s.endpoints.clear();
            s.services.clear();
        }
        if (s == null) {
            if (c.network() == null) {
                return null;
            }
            s = new NetworkState(c.network());
            networks.put(c.networkId(), s);
        } else if (c.network() != null) {
            s.info = c.network();
        }
        c.removedEndpoints().forEach(s.endpoints::remove);
        for (Endpoint e : c.endpoints()) {
            s.endpoints.put(e.taskId(), e);
        }
        c.removedServices().forEach(s.services::remove);
        for (ServiceEntry e : c.services()) {
            s.services.put(e.serviceId(), e);
        }
        return s;
    }

    NetworkState remove(String networkId) {
        return networks.remove(networkId);
    }

    NetworkState get(String networkId) {
        return networks.get(networkId);
    }

    Set<String> ids() {
        return Set.copyOf(networks.keySet());
    }

    List<NetworkState> all() {
        return List.copyOf(networks.values());
    }
}
