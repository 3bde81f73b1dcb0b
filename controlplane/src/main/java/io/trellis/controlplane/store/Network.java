package io.trellis.controlplane.store;

import java.util.List;

/**
 * An overlay network as stored: the spec plus what the allocator gave it (subnet, gateway, VNI) and,
 * for an encrypted network, its keys. Keys are part of the replicated state (encrypted at rest with
 * the rest of the store) and only ever sent to nodes with a task on the network.
 *
 * @param subnet  allocated CIDR, e.g. {@code 10.0.1.0/24}
 * @param gateway the subnet's reserved gateway address, never given to a task or VIP
 * @param keys    encrypted networks only: the send key first (as {@code OverlayDataplane.setNetworkKeys} wants)
 */
public record Network(String id, NetworkSpec spec, String subnet, String gateway, int vni, List<NetworkKey> keys,
                      long createdAt) {

    public Network {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    public String name() {
        return spec.name();
    }

    public Network withKeys(List<NetworkKey> next) {
        return new Network(id, spec, subnet, gateway, vni, next, createdAt);
    }
}
