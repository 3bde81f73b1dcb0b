package io.trellis.stack.compose;

import java.util.List;
import java.util.Map;

/**
 * {@code deploy:} of a service. A null field was not given. Only part of it maps onto the admin API today
 * (mode, replicas, placement constraints and max replicas per node, resources, endpoint mode, labels); the
 * rest is kept for when it does (see the stack converter).
 */
public record DeployDef(String mode, Integer replicas, Placement placement, UpdateConfig updateConfig,
                        UpdateConfig rollbackConfig, RestartPolicy restartPolicy, Resources resources,
                        String endpointMode, Map<String, String> labels) {

    public DeployDef {
        labels = Maps.copyOrNull(labels);
    }

    /** {@code preferences}: the {@code spread} descriptors, in order. */
    public record Placement(List<String> constraints, List<String> preferences, Integer maxReplicasPerNode) {
        public Placement {
            constraints = Maps.copyOrNull(constraints);
            preferences = Maps.copyOrNull(preferences);
        }
    }

    /** {@code update_config} and {@code rollback_config}, as written. */
    public record UpdateConfig(Integer parallelism, String delay, String failureAction, String monitor,
                               String maxFailureRatio, String order) {
    }

    public record RestartPolicy(String condition, String delay, Integer maxAttempts, String window) {
    }

    public record Resources(Limits limits, Limits reservations) {
    }

    /** {@code cpus} as a decimal ({@code 0.5}), {@code memory} as a size ({@code 256M}), as written. */
    public record Limits(String cpus, String memory) {
    }
}
