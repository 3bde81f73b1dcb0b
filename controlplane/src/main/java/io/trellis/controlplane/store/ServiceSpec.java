package io.trellis.controlplane.store;

import java.util.List;

/**
 * What the user asked for when creating or updating a service.
 *
 * @param name     service name, unique in the cluster
 * @param image    image reference; recorded, and pulled only by the docker runtime
 * @param command  arguments after the image ({@code CMD...}); empty means the image default
 * @param env      {@code KEY=VALUE} entries, in the order given
 * @param replicas desired number of tasks
 */
public record ServiceSpec(String name, String image, List<String> command, List<String> env, int replicas) {

    public ServiceSpec {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
    }

    public ServiceSpec withReplicas(int n) {
        return new ServiceSpec(name, image, command, env, n);
    }
}
