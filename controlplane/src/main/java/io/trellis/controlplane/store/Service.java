package io.trellis.controlplane.store;

/**
 * A service as stored: its spec plus identity and a version that every update bumps, so that
 * concurrent updates are detected (optimistic concurrency, like swarmkit's {@code Meta.Version}).
 */
public record Service(String id, ServiceSpec spec, long version, long createdAt, long updatedAt) {

    public String name() {
        return spec.name();
    }

    public Service withSpec(ServiceSpec newSpec, long now) {
        return new Service(id, newSpec, version + 1, createdAt, now);
    }
}
