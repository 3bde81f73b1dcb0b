package io.trellis.controlplane.store;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Which published ports are taken, checked when a service is stored so that two services can never hold the
 * same listener whatever the order their requests reach the leader in. An ingress port is a listener on every
 * node, so it clashes with any other service's port of the same number and protocol; two services may share
 * a host-mode port (the scheduler keeps their tasks on different nodes).
 */
public final class PublishedPorts {
    /** Where {@code --publish :80} ports come from, as in Docker. */
    public static final int FIRST_DYNAMIC = 30000;
    public static final int LAST_DYNAMIC = 32767;

    private PublishedPorts() {
    }

    /** The service already holding a listener {@code port} needs, other than {@code self}. */
    public static Optional<Service> holder(Collection<Service> services, String self, PortConfig port) {
        for (Service s : services) {
            if (s.id().equals(self)) {
                continue;
            }
            for (PortConfig q : s.spec().ports()) {
                if (port.sameListener(q) && (port.ingress() || q.ingress())) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    /** Refuses a service whose ports clash with another's, or whose ingress attachment does not match its ports. */
    static void check(Transaction tx, Service s) {
        for (PortConfig p : s.spec().ports()) {
            if (p.published() < 1 || p.published() > 65_535) {
                throw new StoreException("published port " + p.published() + " of service " + s.name()
                        + " is out of range 1-65535");
            }
            holder(tx.services().values(), s.id(), p).ifPresent(other -> {
                throw new StoreException(inUse(p, other));
            });
        }
        Network ingress = NetworkAllocator.ingress(tx.networks().values());
        if (s.spec().publishes()) {
            if (ingress == null) {
                throw new StoreException("there is no ingress network to publish service " + s.name() + " on");
            }
            if (!s.spec().networkIds().contains(ingress.id())) {
                throw new StoreException("service " + s.name() + " publishes ports but is not attached"
                        + " to the ingress network");
            }
        }
    }

    /** Why a port cannot be published: it names the service that has it. */
    public static String inUse(PortConfig p, Service holder) {
        return "port " + p.published() + "/" + p.protocol().name().toLowerCase(Locale.ROOT)
                + " is already published by service " + holder.name();
    }
}
