package io.trellis.controlplane.store;

import java.util.List;

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
 */
public record ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas,
                          Mode mode, List<String> constraints, int maxReplicasPerNode,
                          List<NetworkAttachmentSpec> networks, EndpointMode endpointMode) {

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
                endpointMode);
    }

    public ServiceSpec withNetworks(List<NetworkAttachmentSpec> next) {
        return new ServiceSpec(name, image, command, env, replicas, mode, constraints, maxReplicasPerNode, next,
                endpointMode);
    }

    /** The IDs of {@link #networks}, in order. */
    public List<String> networkIds() {
        return networks.stream().map(NetworkAttachmentSpec::target).toList();
    }
}
