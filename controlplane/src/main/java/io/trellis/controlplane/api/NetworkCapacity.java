package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAllocator;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.TaskState;

/**
 * Refuses a service create, scale or network change whose networks cannot hold its tasks and VIP,
 * before anything is written (the allocator would otherwise reject tasks one by one).
 */
final class NetworkCapacity {
    private NetworkCapacity() {
    }

    /** @param current the service as stored, or null when it is being created */
    static void check(ClusterSnapshot view, ServiceSpec spec, Service current) {
        int tasks = spec.global() ? view.nodes().size() : spec.replicas();
        for (String networkId : spec.networkIds()) {
            Network n = view.networks().get(networkId);
            if (n == null) {
                throw ApiException.notFound("network " + networkId + " not found");
            }
            boolean needsVip = spec.endpointMode() == ServiceSpec.EndpointMode.VIP
                    && (current == null || current.virtualIp(networkId) == null);
            long holding = current == null ? 0 : view.tasksOf(current.id()).stream()
                    .filter(t -> NetworkAllocator.holdsAddress(t) && t.address(networkId) != null
                            && t.desiredState().compareTo(TaskState.RUNNING) <= 0)
                    .count();
            long needed = Math.max(0, tasks - holding) + (needsVip ? 1 : 0);
            long free = NetworkAllocator.used(n, view.services().values(), view.tasks().values(),
                    view.nodes().values()).free();
            if (needed > free) {
                throw ApiException.invalid("network " + n.name() + " (" + n.subnet() + ") has " + free
                        + " free addresses; service " + spec.name() + " needs " + needed + " ("
                        + tasks + " tasks" + (needsVip ? " and a VIP" : "") + ")");
            }
        }
    }
}
