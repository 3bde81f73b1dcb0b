package io.trellis.daemon;

import io.trellis.api.ContainerOptions;
import io.trellis.controlplane.api.HealthAndResources;
import io.trellis.controlplane.api.HealthOptions;
import io.trellis.controlplane.api.ResourceOptions;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import java.time.Clock;

/** The health-check and resource flags of {@code service create/update} handed from the admin API to the manager. */
final class HealthResourceRequests {
    private HealthResourceRequests() {
    }

    static HealthOptions health(ContainerOptions o) {
        return new HealthOptions(o.healthCmd(), o.healthInterval(), o.healthTimeout(), o.healthStartPeriod(),
                o.healthRetries(), o.noHealthcheck());
    }

    static ResourceOptions resources(ContainerOptions o) {
        return new ResourceOptions(o.limitCpu(), o.limitMemory(), o.reserveCpu(), o.reserveMemory());
    }

    /** {@code service create}: {@code spec} with the check and resources the flags give. */
    static ServiceSpec create(ClusterSnapshot view, ServiceSpec spec, ContainerOptions o) {
        return spec.withContainer(HealthAndResources.create(view, spec.container(), health(o), resources(o)));
    }

    static boolean changes(ContainerOptions o) {
        return HealthAndResources.changes(health(o), resources(o));
    }

    /** {@code service update}: changes the service's check and resources, replacing its tasks. */
    static Service update(ControlPlane m, Service s, ContainerOptions o) {
        return new HealthAndResources(m.store(), m.writer(), Clock.systemUTC()).update(s.id(), health(o), resources(o));
    }
}
