package io.trellis.controlplane.store;

import java.util.Map;

/**
 * What the user asked for in {@code network create}.
 *
 * @param driver     always {@code overlay} (the only driver with cluster scope)
 * @param subnet     CIDR the user chose, or null: the allocator takes the next /24 of the address pool
 * @param gateway    the gateway address the user chose, or null: the subnet's first address
 * @param attachable whether standalone workloads may attach (recorded; Swarm's {@code --attachable})
 * @param encrypted  {@code --opt encrypted}: ESP between nodes, with a key of its own
 * @param ingress    the routing mesh's network, made by {@code swarm init}
 */
public record NetworkSpec(String name, String driver, String subnet, String gateway, boolean attachable,
                          boolean encrypted, boolean ingress, Map<String, String> labels) {

    public static final String OVERLAY = "overlay";

    public NetworkSpec {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
