package io.trellis.daemon;

import io.trellis.api.RestartPolicyOptions;
import io.trellis.api.ServiceCreateRequest;
import io.trellis.api.ServiceUpdateRequest;
import io.trellis.api.UpdateConfigOptions;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.api.RestartOptions;
import io.trellis.controlplane.api.ServiceUpdates;
import io.trellis.controlplane.api.UpdateOptions;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import java.time.Clock;

/**
 * The rolling-update and restart flags of {@code service create/update} and {@code service rollback} handed from the
 * admin API to the manager's {@link ServiceUpdates}.
 */
final class ServiceUpdateRequests {
    private ServiceUpdateRequests() {
    }

    static UpdateOptions options(UpdateConfigOptions o) {
        return new UpdateOptions(o.parallelism(), o.delay(), o.failureAction(), o.monitor(), o.maxFailureRatio(),
                o.order());
    }

    static RestartOptions restart(RestartPolicyOptions o, String stopGracePeriod) {
        return new RestartOptions(o.condition(), o.delay(), o.maxAttempts(), o.window(), stopGracePeriod);
    }

    static ServiceUpdates.Changes changes(ServiceUpdateRequest u) {
        return new ServiceUpdates.Changes(u.image(), u.args(), u.envAdd(), u.envRm(), u.replicas(),
                options(u.updateConfig()), options(u.rollbackConfig()),
                restart(u.restartPolicy(), u.stopGracePeriod()), u.placementPrefAdd(), u.placementPrefRm(),
                u.containerLabelAdd(), u.containerLabelRm());
    }

    static ServiceUpdates updates(ControlPlane m) {
        return new ServiceUpdates(m.store(), m.writer(), Clock.systemUTC());
    }

    /** {@code service create}: {@code spec} with the update and rollback configs and the restart flags given. */
    static ServiceSpec create(ServiceSpec spec, ServiceCreateRequest r) {
        return ServiceUpdates.create(spec, options(r.updateConfig()), options(r.rollbackConfig()),
                restart(r.restartPolicy(), r.stopGracePeriod()));
    }

    /** {@code service rollback} or {@code service update --rollback}, which takes no other flag. */
    static Service rollback(ControlPlane m, String ref, ServiceUpdateRequest u) {
        if (u.changesNetworks() || u.changesPorts() || u.force() || u.changesSpec() || !u.secretAdd().isEmpty()
                || !u.secretRm().isEmpty() || HealthResourceRequests.changes(u.container())) {
            throw ApiException.invalid("--rollback takes no other flag: roll back first, then update");
        }
        return updates(m).rollback(ref);
    }
}
