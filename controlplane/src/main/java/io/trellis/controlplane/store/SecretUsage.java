package io.trellis.controlplane.store;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which services use a secret, checked when a batch is applied so that a removal and a service
 * taking the secret cannot both win a race.
 */
public final class SecretUsage {
    private SecretUsage() {
    }

    /** The names of the services that reference {@code secretId}, sorted and comma-separated; empty when none. */
    public static String usersOf(Collection<Service> services, String secretId) {
        return services.stream()
                .filter(s -> s.spec().container().secrets().stream().anyMatch(r -> r.secretId().equals(secretId)))
                .map(Service::name).sorted().collect(Collectors.joining(", "));
    }

    public static String inUse(Secret s, String users) {
        return "secret " + s.name() + " is in use by service(s) " + users;
    }

    /** Every secret the service references must still exist when the batch is applied. */
    static void checkReferences(Map<String, Secret> secrets, Service service) {
        for (SecretReference r : service.spec().container().secrets()) {
            if (!secrets.containsKey(r.secretId())) {
                throw new StoreException("no such secret: " + r.secretName());
            }
        }
    }
}
