package io.trellis.stack;

import io.trellis.api.NetworkCreateRequest;
import io.trellis.api.ServiceCreateRequest;
import java.util.List;

/**
 * What a compose file asks of the cluster, in the admin API's terms and with the stack's names, before
 * anything is sent: {@code stack deploy} checks it against the cluster as a whole first.
 *
 * @param warnings lines for stderr: what the file asks that is not applied yet
 */
public record StackPlan(String stack, List<Network> networks, List<Secret> secrets, List<Service> services,
                        List<String> warnings) {

    public StackPlan {
        networks = List.copyOf(networks);
        secrets = List.copyOf(secrets);
        services = List.copyOf(services);
        warnings = List.copyOf(warnings);
    }

    /** @param request null for an external network, which must exist under {@code name} */
    public record Network(String key, String name, NetworkCreateRequest request) {
        public boolean external() {
            return request == null;
        }
    }

    /**
     * @param data   the value, null for an external secret, which must exist under {@code name}
     * @param labels {@code KEY=VALUE}
     */
    public record Secret(String key, String name, byte[] data, List<String> labels) {
        public boolean external() {
            return data == null;
        }

        /** The value stays out: this string may reach a log. */
        @Override
        public String toString() {
            return "Secret[" + name + "]";
        }
    }

    /** @param key the service's name in the file */
    public record Service(String key, ServiceCreateRequest request) {
        public String name() {
            return request.name();
        }
    }
}
