package io.trellis.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A service with its live replica count, as {@code service ls} and {@code service inspect} show it.
 *
 * @param spec       the service's spec as the cluster stores it, shown as-is by {@code service inspect}; what the
 *                   CLI itself reads from it has a field of its own here
 * @param networks   the names of the networks its tasks attach to, in order
 * @param virtualIps its VIP on each of those networks (none in endpoint mode dnsrr)
 * @param outdated   tasks meant to run that a rolling update (a change of the task template, {@code --force}) has
 *                   yet to replace
 * @param previousSpec the spec a rollback returns to, or null
 * @param updateStatus how the rollout of the last change stands, or null
 * @param upToDate   tasks running, meant to run, and made from the current task template
 */
public record ServiceView(String id, String name, String mode, int running, int desired, String image,
                          String ports, int maxReplicasPerNode, long version, long createdAt, long updatedAt,
                          JsonNode spec, List<String> networks, List<NetworkAddress> virtualIps, int outdated,
                          JsonNode previousSpec, UpdateStatusView updateStatus, int upToDate) {

    public ServiceView {
        networks = networks == null ? List.of() : List.copyOf(networks);
        virtualIps = virtualIps == null ? List.of() : List.copyOf(virtualIps);
    }

    public ServiceView(String id, String name, String mode, int running, int desired, String image, String ports,
                       int maxReplicasPerNode, long version, long createdAt, long updatedAt, JsonNode spec,
                       List<String> networks, List<NetworkAddress> virtualIps, int outdated) {
        this(id, name, mode, running, desired, image, ports, maxReplicasPerNode, version, createdAt, updatedAt, spec,
                networks, virtualIps, outdated, null, null, 0);
    }

    public ServiceView(String id, String name, String mode, int running, int desired, String image, String ports,
                       int maxReplicasPerNode, long version, long createdAt, long updatedAt, JsonNode spec,
                       List<String> networks, List<NetworkAddress> virtualIps) {
        this(id, name, mode, running, desired, image, ports, maxReplicasPerNode, version, createdAt, updatedAt, spec,
                networks, virtualIps, 0);
    }
}
