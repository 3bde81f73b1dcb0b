package io.trellis.api;

import java.util.List;
import java.util.Map;

/**
 * An overlay network as {@code network ls} and {@code network inspect} show it. An encrypted
 * network's keys are never part of it.
 *
 * @param scope    always "swarm"
 * @param vni      the VXLAN network identifier
 * @param services the services attached, with their VIP (empty in endpoint mode dnsrr)
 * @param peers    the nodes that have a task on the network that has not ended
 * @param rotatedAt encrypted networks: when each of its current keys was made (epoch ms), the send key
 *                 first — two entries while a rotation is under way; the keys themselves never
 */
public record NetworkView(String id, String name, String driver, String scope, String subnet, String gateway, int vni,
                          boolean encrypted, boolean attachable, boolean ingress, Map<String, String> labels,
                          long created, List<ServiceEndpoint> services, List<Peer> peers, List<Long> rotatedAt) {

    public NetworkView {
        rotatedAt = rotatedAt == null ? List.of() : List.copyOf(rotatedAt);
    }

    /** A service on the network and its VIP there. */
    public record ServiceEndpoint(String name, String vip) {
    }

    /** A node taking part in the network: its hostname and underlay address. */
    public record Peer(String hostname, String address) {
    }
}
