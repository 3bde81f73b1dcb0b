package io.trellis.controlplane.scheduler;

import io.trellis.controlplane.constraint.Constraint;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One test a node must pass to take a task of a service (swarmkit {@code scheduler.Filter}), and the
 * words for "it failed on N nodes" that make up the "no suitable node (...)" message.
 */
interface NodeFilter {

    boolean accepts(Node node);

    /** Why {@code nodes} nodes were turned away by this filter. */
    String explain(int nodes);

    /** The filters a node must pass for {@code service}, in the order they are tried. */
    static List<NodeFilter> pipeline(Service service, Placements placements) {
        return pipeline(service, Resources.NONE, placements);
    }

    /** The filters a node must pass for a task of {@code service} that reserves {@code resources}. */
    static List<NodeFilter> pipeline(Service service, Resources resources, Placements placements) {
        int max = service.spec().maxReplicasPerNode();
        NodeFilter constraints;
        try {
            constraints = new Constraints(Constraint.parseAll(service.spec().constraints()));
        } catch (IllegalArgumentException e) {
            constraints = new Unplaceable(e.getMessage()); // refused by the API; never stall the loop on it
        }
        List<NodeFilter> filters = new ArrayList<>(List.of(new Ready(), new Active(), constraints));
        if (max > 0) {
            filters.add(new MaxReplicas(service.id(), max, placements));
        }
        List<PortConfig> hostPorts = service.spec().hostPorts();
        if (!hostPorts.isEmpty()) {
            filters.add(new HostPorts(hostPorts, placements));
        }
        if (resources.reserves()) {
            filters.add(new Reservations(resources, placements));
        }
        String runtime = service.spec().container().runtime();
        if (runtime != null) {
            filters.add(new Runtime(runtime));
        }
        return filters;
    }

    private static String nodes(int n) {
        return n + (n == 1 ? " node" : " nodes");
    }

    /** The node reports in (its status is up to the dispatcher). */
    record Ready() implements NodeFilter {
        public boolean accepts(Node node) {
            return node.status() == Node.Status.READY;
        }

        public String explain(int n) {
            return nodes(n) + " not ready";
        }
    }

    /** Availability {@code active}: {@code pause} and {@code drain} take no new tasks. */
    record Active() implements NodeFilter {
        public boolean accepts(Node node) {
            return node.availability() == Node.Availability.ACTIVE;
        }

        public String explain(int n) {
            return nodes(n) + " not available for new tasks";
        }
    }

    record Constraints(List<Constraint> constraints) implements NodeFilter {
        public boolean accepts(Node node) {
            return Constraint.matchAll(constraints, node);
        }

        public String explain(int n) {
            return "scheduling constraints not satisfied on " + nodes(n);
        }
    }

    /** {@code --replicas-max-per-node}: counts this round's placements too. */
    record MaxReplicas(String serviceId, int max, Placements placements) implements NodeFilter {
        public boolean accepts(Node node) {
            return placements.ofService(serviceId, node.id()) < max;
        }

        public String explain(int n) {
            return "max replicas per node limit exceed"; // swarmkit's wording, kept for familiarity
        }
    }

    /** {@code --publish mode=host}: one listener per port and node, so one task holding it per node. */
    record HostPorts(List<PortConfig> ports, Placements placements) implements NodeFilter {
        public boolean accepts(Node node) {
            return placements.hostPortTaken(node.id(), ports) == null;
        }

        public String explain(int n) {
            PortConfig p = ports.get(0);
            return "host-mode port " + (ports.size() == 1 ? p.published() + "/" + p.protocol().name().toLowerCase(Locale.ROOT)
                    : "s") + " already in use on " + nodes(n);
        }
    }

    /** {@code --reserve-cpu/--reserve-memory}: the node's live tasks and this round's placements count. */
    record Reservations(Resources wanted, Placements placements) implements NodeFilter {
        public boolean accepts(Node node) {
            return placements.fits(node, wanted);
        }

        public String explain(int n) {
            return "insufficient resources on " + nodes(n); // swarmkit's wording
        }
    }

    /** {@code --runtime docker}: the node's last heartbeat said its Docker Engine answers. */
    record Runtime(String runtime) implements NodeFilter {
        public boolean accepts(Node node) {
            return node.runs(runtime);
        }

        public String explain(int n) {
            return runtime + " runtime unavailable on " + nodes(n);
        }
    }

    record Unplaceable(String why) implements NodeFilter {
        public boolean accepts(Node node) {
            return false;
        }

        public String explain(int n) {
            return why;
        }
    }
}
