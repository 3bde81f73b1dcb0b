package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAllocator;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.PublishedPorts;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Readies a spec's published ports before it is written: ports left at 0 get the lowest free port of
 * Docker's dynamic range, clashes are refused naming the service that holds the port, and the ingress
 * network is attached (last, so a service's own first network keeps the default route) exactly while
 * the service publishes a port. The store checks the clashes again when it applies the op.
 */
final class PortPublishing {
    /** The algorithms {@code --lb-algorithm} accepts (the agent's balancers by name). */
    static final Set<String> ALGORITHMS = Set.of("rr", "least-conn", "maglev");

    private PortPublishing() {
    }

    /** @param current the service as stored, or null when it is being created */
    static ServiceSpec prepare(ClusterSnapshot view, ServiceSpec spec, Service current) {
        if (!ALGORITHMS.contains(spec.lbAlgorithm())) {
            throw ApiException.invalid("unknown --lb-algorithm \"" + spec.lbAlgorithm()
                    + "\": use rr, least-conn or maglev");
        }
        String self = current == null ? "" : current.id();
        List<PortConfig> ports = new ArrayList<>();
        for (PortConfig p : spec.ports()) {
            PortConfig port = p;
            if (port.published() == 0) {
                // Not one this request asks for further on, or that port would look published twice.
                List<PortConfig> taken = new ArrayList<>(ports);
                taken.addAll(spec.ports());
                port = withFreePort(view, self, port, taken);
            }
            for (PortConfig q : ports) {
                if (q.sameListener(port)) {
                    throw ApiException.invalid("port " + port.published() + "/"
                            + port.protocol().name().toLowerCase(Locale.ROOT) + " is published twice");
                }
            }
            PortConfig checked = port;
            PublishedPorts.holder(view.services().values(), self, checked).ifPresent(other -> {
                throw new ApiException(ApiException.Kind.CONFLICT, PublishedPorts.inUse(checked, other));
            });
            ports.add(port);
        }
        ServiceSpec withPorts = spec.withPorts(ports);
        return withPorts.withNetworks(networks(view, withPorts));
    }

    /** {@code port} on the lowest port of the dynamic range that neither another service nor {@code taken} has. */
    private static PortConfig withFreePort(ClusterSnapshot view, String self, PortConfig port, List<PortConfig> taken) {
        for (int p = PublishedPorts.FIRST_DYNAMIC; p <= PublishedPorts.LAST_DYNAMIC; p++) {
            PortConfig candidate = new PortConfig(p, port.target(), port.protocol(), port.mode(), port.proxyProtocol());
            if (taken.stream().noneMatch(candidate::sameListener)
                    && PublishedPorts.holder(view.services().values(), self, candidate).isEmpty()) {
                return candidate;
            }
        }
        throw ApiException.invalid("no free port left in " + PublishedPorts.FIRST_DYNAMIC + "-"
                + PublishedPorts.LAST_DYNAMIC);
    }

    private static List<NetworkAttachmentSpec> networks(ClusterSnapshot view, ServiceSpec spec) {
        Network ingress = NetworkAllocator.ingress(view.networks().values());
        List<NetworkAttachmentSpec> next = new ArrayList<>();
        for (NetworkAttachmentSpec a : spec.networks()) {
            if (ingress == null || !a.target().equals(ingress.id())) {
                next.add(a);
            }
        }
        if (spec.publishes()) {
            if (ingress == null) {
                throw ApiException.invalid("there is no ingress network to publish ports on");
            }
            next.add(new NetworkAttachmentSpec(ingress.id(), List.of()));
        }
        return next;
    }

    /**
     * {@code --publish-rm}: a port as Docker takes it, by target port ({@code 80}, {@code 80/udp}) or as
     * {@code published:target[/protocol]}; it must match at least one published port.
     */
    static List<PortConfig> remove(List<PortConfig> ports, String text, String service) {
        PortConfig wanted = PublishOption.parse("--publish-rm", text);
        boolean byPublished = text.contains(":") || text.contains("=");
        List<PortConfig> kept = new ArrayList<>();
        for (PortConfig p : ports) {
            boolean match = p.protocol() == wanted.protocol() && p.target() == wanted.target()
                    && (!byPublished || wanted.published() == 0 || p.published() == wanted.published());
            if (!match) {
                kept.add(p);
            }
        }
        if (kept.size() == ports.size()) {
            throw ApiException.invalid("service " + service + " publishes no port " + text);
        }
        return kept;
    }
}
