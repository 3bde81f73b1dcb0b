package io.trellis.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Body of {@code POST /services}.
 *
 * @param replicas           {@code null} when not given: 1 for a replicated service, none for a global one
 * @param mode               "replicated" (default) or "global"
 * @param constraints        placement constraints, all of which must hold
 * @param maxReplicasPerNode {@code null} or 0: no limit
 * @param networks           {@code --network}: {@code NAME} or {@code name=NAME,alias=A} ({@link NetworkOption})
 * @param endpointMode       "vip" (default: one virtual IP per network) or "dnsrr"
 * @param publish            {@code --publish}: {@code [P:]T[/PROTO]} or {@code published=P,target=T,...}
 * @param lbAlgorithm        {@code --lb-algorithm}: rr (default), least-conn or maglev
 * @param container          runtime, user, capabilities, resources, health check and secrets
 * @param labels             the service's labels; {@code null}: none
 * @param updateConfig       the {@code --update-*} flags
 * @param rollbackConfig     the {@code --rollback-*} flags
 * @param restartPolicy      the {@code --restart-*} flags
 * @param stopGracePeriod    {@code --stop-grace-period}, a duration; null leaves it to the node
 * @param placementPreferences {@code --placement-pref spread=node.labels.NAME}, in order; null: none
 */
public record ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                   String mode, List<String> constraints, Integer maxReplicasPerNode,
                                   List<String> networks, String endpointMode, List<String> publish,
                                   String lbAlgorithm, ContainerOptions container, Map<String, String> labels,
                                   UpdateConfigOptions updateConfig, UpdateConfigOptions rollbackConfig,
                                   RestartPolicyOptions restartPolicy, String stopGracePeriod,
                                   List<String> placementPreferences) {

    public ServiceCreateRequest {
        container = container == null ? ContainerOptions.NONE : container;
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        updateConfig = updateConfig == null ? UpdateConfigOptions.NONE : updateConfig;
        rollbackConfig = rollbackConfig == null ? UpdateConfigOptions.NONE : rollbackConfig;
        restartPolicy = restartPolicy == null ? RestartPolicyOptions.NONE : restartPolicy;
        placementPreferences = placementPreferences == null ? List.of() : List.copyOf(placementPreferences);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm, ContainerOptions container, Map<String, String> labels,
                                UpdateConfigOptions updateConfig, UpdateConfigOptions rollbackConfig,
                                RestartPolicyOptions restartPolicy, String stopGracePeriod) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, container, labels, updateConfig, rollbackConfig, restartPolicy, stopGracePeriod,
                null);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm, ContainerOptions container, Map<String, String> labels,
                                UpdateConfigOptions updateConfig, UpdateConfigOptions rollbackConfig) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, container, labels, updateConfig, rollbackConfig, null, null);
    }

    /** {@code service create} with its update configs, restart policy and stop grace period. */
    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm, ContainerOptions container, UpdateConfigOptions updateConfig,
                                UpdateConfigOptions rollbackConfig, RestartPolicyOptions restartPolicy,
                                String stopGracePeriod) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, container, null, updateConfig, rollbackConfig, restartPolicy, stopGracePeriod);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm, ContainerOptions container, UpdateConfigOptions updateConfig,
                                UpdateConfigOptions rollbackConfig) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, container, null, updateConfig, rollbackConfig);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm, ContainerOptions container, Map<String, String> labels) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, container, labels, null, null);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm, ContainerOptions container) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, container, null, null, null);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode, List<String> publish,
                                String lbAlgorithm) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                publish, lbAlgorithm, null);
    }

    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas,
                                String mode, List<String> constraints, Integer maxReplicasPerNode,
                                List<String> networks, String endpointMode) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode, null,
                null);
    }

    /** A replicated service without placement rules. */
    public ServiceCreateRequest(String name, String image, List<String> command, List<String> env, Integer replicas) {
        this(name, image, command, env, replicas, null, null, null, null, null, null, null);
    }
}
