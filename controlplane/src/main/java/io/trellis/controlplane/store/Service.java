package io.trellis.controlplane.store;

import java.util.List;

/**
 * A service as stored: its spec plus identity and a version that every update bumps, so that
 * concurrent updates are detected (optimistic concurrency, like swarmkit's {@code Meta.Version}).
 */
public record Service(String id, ServiceSpec spec, long version, long createdAt, long updatedAt,
                      List<VirtualIp> virtualIps) {

    public Service {
        virtualIps = virtualIps == null ? List.of() : List.copyOf(virtualIps);
    }

    public Service(String id, ServiceSpec spec, long version, long createdAt, long updatedAt) {
        this(id, spec, version, createdAt, updatedAt, List.of());
    }

    public String name() {
        return spec.name();
    }

    public Service withSpec(ServiceSpec newSpec, long now) {
        return new Service(id, newSpec, version + 1, createdAt, now, virtualIps);
    }

    public Service withVirtualIps(List<VirtualIp> vips) {
        return new Service(id, spec, version, createdAt, updatedAt, vips);
    }

    /** This service's VIP on {@code networkId}, or null. */
    public String virtualIp(String networkId) {
        for (VirtualIp v : virtualIps) {
            if (v.networkId().equals(networkId)) {
                return v.address();
            }
        }
        return null;
    }
}
