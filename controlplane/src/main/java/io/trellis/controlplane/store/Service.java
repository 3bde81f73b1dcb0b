package io.trellis.controlplane.store;

import java.util.List;

/**
 * A service as stored: its spec plus identity and a version that every update bumps, so that
 * concurrent updates are detected (optimistic concurrency, like swarmkit's {@code Meta.Version}).
 *
 * @param previousSpec the spec before the last update, which a rollback returns to; null when there is none
 * @param updateStatus how the rollout of the last change stands; null before any task was replaced for one
 */
public record Service(String id, ServiceSpec spec, long version, long createdAt, long updatedAt,
                      List<VirtualIp> virtualIps, ServiceSpec previousSpec, UpdateStatus updateStatus) {

    public Service {
        virtualIps = virtualIps == null ? List.of() : List.copyOf(virtualIps);
    }

    public Service(String id, ServiceSpec spec, long version, long createdAt, long updatedAt,
                   List<VirtualIp> virtualIps) {
        this(id, spec, version, createdAt, updatedAt, virtualIps, null, null);
    }

    public Service(String id, ServiceSpec spec, long version, long createdAt, long updatedAt) {
        this(id, spec, version, createdAt, updatedAt, List.of());
    }

    public String name() {
        return spec.name();
    }

    /** An update: the spec it replaces becomes the previous one (unless {@code previous} names another), status cleared. */
    public Service withSpec(ServiceSpec newSpec, long now) {
        return withSpec(newSpec, spec, now);
    }

    public Service withSpec(ServiceSpec newSpec, ServiceSpec previous, long now) {
        return new Service(id, newSpec, version + 1, createdAt, now, virtualIps, previous, null);
    }

    /** A rollback: back to the previous spec, which keeps the one rolled back from as its own previous. */
    public Service rolledBack(UpdateStatus status, long now) {
        return new Service(id, previousSpec, version + 1, createdAt, now, virtualIps, spec, status);
    }

    public Service withUpdateStatus(UpdateStatus status) {
        return new Service(id, spec, version, createdAt, updatedAt, virtualIps, previousSpec, status);
    }

    public Service withVirtualIps(List<VirtualIp> vips) {
        return new Service(id, spec, version, createdAt, updatedAt, vips, previousSpec, updateStatus);
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
