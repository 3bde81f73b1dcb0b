package io.trellis.controlplane.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the user asked for when creating or updating a service.
 *
 * @param name               service name, unique in the cluster
 * @param image              image reference; recorded, and pulled only by the docker runtime
 * @param command            arguments after the image ({@code CMD...}); empty means the image default
 * @param env                {@code KEY=VALUE} entries, in the order given
 * @param replicas           desired number of tasks (replicated mode; 0 for global services)
 * @param mode               replicated (a number of slots) or global (one task per eligible node)
 * @param constraints        placement constraints ({@code node.labels.zone==a}), all must hold
 * @param maxReplicasPerNode at most this many live tasks of the service per node; 0 means no limit
 * @param networks           overlay networks the tasks attach to, in order: the first gives the default route
 * @param endpointMode       {@code vip}: one virtual IP per network, balanced by every node's switch;
 *                           {@code dnsrr}: DNS answers with the task addresses
 * @param ports              published ports; a service that publishes is also attached to the ingress
 *                           network (the API adds it last to {@code networks} and takes it away with the last
 *                           port)
 * @param lbAlgorithm        how published ports and VIPs pick a task: {@code rr}, {@code least-conn} or {@code maglev}
 * @param forceUpdate        {@code service update --force}: the service version from which tasks count as
 *                           current; older ones are replaced like tasks of another template (Docker's
 *                           {@code ForceUpdate}; see {@code orchestrator.TaskTemplate})
 * @param container          runtime, user, capabilities, resources, health check and secrets of each task
 * @param labels             the service's labels ({@code com.docker.stack.namespace} marks a stack's services)
 * @param updateConfig       how a change to the task template is rolled out ({@link UpdateConfig#DEFAULT} when not
 *                           given)
 * @param rollbackConfig     how a rollback is rolled out
 * @param restartPolicy      when a task that ended on its own is replaced ({@link RestartPolicy#DEFAULT} when not
 *                           given)
 * @param preferences        {@code --placement-pref}: spread the tasks over a label's values, the first preference
 *                           splitting the nodes, each next one splitting every group of the one before
 */
public record ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                          Mode mode, List<String> constraints, int maxReplicasPerNode,
                          List<NetworkAttachmentSpec> networks, EndpointMode endpointMode,
                          List<PortConfig> ports, String lbAlgorithm, long forceUpdate, ContainerSpec container,
                          Map<String, String> labels, UpdateConfig updateConfig, UpdateConfig rollbackConfig,
                          RestartPolicy restartPolicy, List<PlacementPreference> preferences) {

    /** The balancing algorithm when none is asked for. */
    public static final String DEFAULT_LB_ALGORITHM = "rr";

    /** Swarm's service modes (jobs are not supported). */
    public enum Mode { REPLICATED, GLOBAL }

    public enum EndpointMode { VIP, DNSRR }

    public ServiceSpec {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        // Entries written before modes existed decode with nulls and zeros: replicated, unconstrained.
        mode = mode == null ? Mode.REPLICATED : mode;
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        networks = networks == null ? List.of() : List.copyOf(networks);
        endpointMode = endpointMode == null ? EndpointMode.VIP : endpointMode;
        ports = ports == null ? List.of() : List.copyOf(ports);
        lbAlgorithm = lbAlgorithm == null ? DEFAULT_LB_ALGORITHM : lbAlgorithm;
        container = container == null ? ContainerSpec.DEFAULT : container;
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        updateConfig = updateConfig == null ? UpdateConfig.DEFAULT : updateConfig;
        rollbackConfig = rollbackConfig == null ? UpdateConfig.DEFAULT : rollbackConfig;
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
        preferences = preferences == null ? List.of() : List.copyOf(preferences);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode,
                       List<NetworkAttachmentSpec> networks, EndpointMode endpointMode, List<PortConfig> ports,
                       String lbAlgorithm, long forceUpdate, ContainerSpec container, Map<String, String> labels,
                       UpdateConfig updateConfig, UpdateConfig rollbackConfig, RestartPolicy restartPolicy) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                ports, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig, restartPolicy,
                null);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode,
                       List<NetworkAttachmentSpec> networks, EndpointMode endpointMode, List<PortConfig> ports,
                       String lbAlgorithm, long forceUpdate, ContainerSpec container, Map<String, String> labels,
                       UpdateConfig updateConfig, UpdateConfig rollbackConfig) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                ports, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig, null);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode,
                       List<NetworkAttachmentSpec> networks, EndpointMode endpointMode, List<PortConfig> ports,
                       String lbAlgorithm, long forceUpdate, ContainerSpec container) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                ports, lbAlgorithm, forceUpdate, container, Map.of(), null, null);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode,
                       List<NetworkAttachmentSpec> networks, EndpointMode endpointMode, List<PortConfig> ports,
                       String lbAlgorithm, long forceUpdate) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                ports, lbAlgorithm, forceUpdate, ContainerSpec.DEFAULT);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode,
                       List<NetworkAttachmentSpec> networks, EndpointMode endpointMode, List<PortConfig> ports,
                       String lbAlgorithm) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                ports, lbAlgorithm, 0);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode,
                       List<NetworkAttachmentSpec> networks, EndpointMode endpointMode) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks, endpointMode,
                List.of(), DEFAULT_LB_ALGORITHM, 0);
    }

    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                       Mode mode, List<String> constraints, int maxReplicasPerNode) {
        this(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, List.of(), EndpointMode.VIP);
    }

    /** A replicated service without placement rules. */
    public ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas) {
        this(name, image, command, env, replicas, Mode.REPLICATED, List.of(), 0);
    }

    public boolean global() {
        return mode == Mode.GLOBAL;
    }

    public ServiceSpec withReplicas(int n) {
        return new ServiceSpec(name, image, command, env, n, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withNetworks(List<NetworkAttachmentSpec> next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, next,
                endpointMode, ports, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withPorts(List<PortConfig> next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, next, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withLbAlgorithm(String algorithm) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, algorithm, forceUpdate, container, labels, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withForceUpdate(long version) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, version, container, labels, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withContainer(ContainerSpec next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, forceUpdate, next, labels, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withLabels(Map<String, String> next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, forceUpdate, container, next, updateConfig, rollbackConfig,
                restartPolicy, preferences);
    }

    public ServiceSpec withUpdateConfigs(UpdateConfig update, UpdateConfig rollback) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, forceUpdate, container, labels, update, rollback, restartPolicy,
                preferences);
    }

    public ServiceSpec withRestartPolicy(RestartPolicy next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig, next,
                preferences);
    }

    public ServiceSpec withPreferences(List<PlacementPreference> next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, networks,
                endpointMode, ports, lbAlgorithm, forceUpdate, container, labels, updateConfig, rollbackConfig,
                restartPolicy, next);
    }

    /** {@code service update --image/--args/--env-*}: the parts of the task template a task carries as its own. */
    public ServiceSpec withTask(String nextImage, List<String> nextCommand, List<String> nextEnv) {
        return new ServiceSpec(name, nextImage, nextCommand, nextEnv, replicas, mode, constraints, maxReplicasPerNode,
                networks, endpointMode, ports, lbAlgorithm, forceUpdate, container, labels, updateConfig,
                rollbackConfig, restartPolicy, preferences);
    }

    /**
     * Whether the service publishes a port, which puts its tasks on the ingress network: ingress-mode ports
     * reach them from other nodes through it, and its map tells every node running one of them about the
     * host-mode ports.
     */
    public boolean publishes() {
        return !ports.isEmpty();
    }

    /** Whether some port is published in ingress mode: every node then listens and is on the ingress network. */
    public boolean publishesIngress() {
        return ports.stream().anyMatch(PortConfig::ingress);
    }

    /** The ports published in host mode: a node can run one task using each. */
    public List<PortConfig> hostPorts() {
        return ports.stream().filter(p -> !p.ingress()).toList();
    }

    /** The IDs of {@link #networks}, in order. */
    public List<String> networkIds() {
        return networks.stream().map(NetworkAttachmentSpec::target).toList();
    }
}
