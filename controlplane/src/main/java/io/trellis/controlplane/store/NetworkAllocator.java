package io.trellis.controlplane.store;

import io.trellis.controlplane.allocator.AddressSet;
import io.trellis.controlplane.allocator.Ipv4Subnet;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Overlay address management as pure functions of the replicated state: subnets from the address
 * pool, VNIs, task addresses and VIPs. The store calls these while it applies an op, so every
 * replica computes the same allocation and an allocation commits with the object that holds it.
 * Nothing is recorded besides the objects themselves: an address is in use exactly while a
 * service (its VIP) or a task that has not ended holds it, so deleting the holder frees it and
 * nothing can leak, and no leader failover can hand one address out twice.
 *
 * <p>Addresses are handed out lowest first after the gateway (the subnet's first host address,
 * Docker's default); the network and broadcast addresses are never used.
 */
public final class NetworkAllocator {
    /** Docker's first overlay VNI; lower ones are left to kernel VXLAN devices the admin made. */
    public static final int FIRST_VNI = 4096;
    public static final int LAST_VNI = 0xFF_FFFF;

    private NetworkAllocator() {
    }

    /** The first {@code /size} of {@code pool} that overlaps no existing network's subnet. */
    public static Optional<Ipv4Subnet> nextSubnet(Ipv4Subnet pool, int size, Collection<Network> existing) {
        if (size < pool.prefixLength() || size > 30) {
            throw new IllegalArgumentException("subnet size /" + size + " does not fit pool " + pool);
        }
        long step = 1L << (32 - size);
        for (long a = pool.network() & 0xFFFF_FFFFL; a <= (pool.last() & 0xFFFF_FFFFL); a += step) {
            Ipv4Subnet candidate = new Ipv4Subnet((int) a, size);
            if (existing.stream().noneMatch(n -> Ipv4Subnet.parse(n.subnet()).overlaps(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The lowest VNI from {@value #FIRST_VNI} that no network uses. */
    public static OptionalInt nextVni(Collection<Network> existing) {
        BitSet used = new BitSet();
        for (Network n : existing) {
            if (n.vni() >= FIRST_VNI) {
                used.set(n.vni() - FIRST_VNI);
            }
        }
        int free = used.nextClearBit(0) + FIRST_VNI;
        return free > LAST_VNI ? OptionalInt.empty() : OptionalInt.of(free);
    }

    /** The subnet's default gateway: its first host address. */
    public static int defaultGateway(Ipv4Subnet subnet) {
        return subnet.network() + 1;
    }

    /**
     * The addresses of {@code network} in use: its gateway, every service's VIP on it, the address of
     * every task on it that has not ended and, on the ingress network, every node's own address.
     */
    public static AddressSet used(Network network, Collection<Service> services, Collection<Task> tasks,
                                  Collection<Node> nodes) {
        AddressSet used = new AddressSet(Ipv4Subnet.parse(network.subnet()));
        used.add(Ipv4Subnet.parseAddress(network.gateway()));
        if (network.spec().ingress()) {
            for (Node n : nodes) {
                if (n.ingressAddress() != null) {
                    used.add(Ipv4Subnet.parseAddress(n.ingressAddress()));
                }
            }
        }
        for (Service s : services) {
            String vip = s.virtualIp(network.id());
            if (vip != null) {
                used.add(Ipv4Subnet.parseAddress(vip));
            }
        }
        for (Task t : tasks) {
            String a = t.address(network.id());
            if (a != null && holdsAddress(t)) {
                used.add(Ipv4Subnet.parseAddress(a));
            }
        }
        return used;
    }

    /**
     * Whether a task still owns its addresses: until it has ended. An ended task stays in history
     * with its attachment (so {@code inspect} shows it), but its address is free again.
     */
    public static boolean holdsAddress(Task t) {
        return !t.status().state().isTerminal();
    }

    /** Builds the network {@code CreateNetwork} stores, or rejects it with the reason. */
    static Network allocate(Transaction tx, String id, NetworkSpec spec, List<NetworkKey> keys, long now) {
        if (tx.networks().containsKey(id)) {
            throw new StoreException("network ID " + id + " already exists");
        }
        for (Network n : tx.networks().values()) {
            if (n.name().equals(spec.name())) {
                throw new StoreException("network with name " + spec.name() + " already exists");
            }
            if (spec.ingress() && n.spec().ingress()) {
                throw new StoreException("an ingress network (" + n.name() + ") already exists");
            }
        }
        Ipv4Subnet subnet;
        try {
            if (spec.subnet() != null) {
                subnet = Ipv4Subnet.parse(spec.subnet());
                for (Network n : tx.networks().values()) {
                    if (Ipv4Subnet.parse(n.subnet()).overlaps(subnet)) {
                        throw new StoreException("invalid subnet " + subnet + ": it overlaps " + n.subnet()
                                + " of network " + n.name());
                    }
                }
            } else {
                ClusterInfo c = tx.cluster();
                Ipv4Subnet pool = Ipv4Subnet.parse(c == null ? ClusterInfo.ADDRESS_POOL_DEFAULT : c.addressPool());
                int size = c == null ? ClusterInfo.SUBNET_SIZE_DEFAULT : c.subnetSize();
                subnet = nextSubnet(pool, size, tx.networks().values()).orElseThrow(() -> new StoreException(
                        "could not find an available, non-overlapping IPv4 address pool among the defaults to"
                                + " assign to the network (pool " + pool + " is used up)"));
            }
        } catch (IllegalArgumentException e) {
            throw new StoreException(e.getMessage());
        }
        int gateway = spec.gateway() == null ? defaultGateway(subnet) : Ipv4Subnet.parseAddress(spec.gateway());
        if (!subnet.contains(gateway) || gateway == subnet.network() || gateway == subnet.last()) {
            throw new StoreException("invalid gateway " + Ipv4Subnet.format(gateway) + ": not a host address of "
                    + subnet);
        }
        int vni = nextVni(tx.networks().values())
                .orElseThrow(() -> new StoreException("no free VNI left (" + FIRST_VNI + "-" + LAST_VNI + ")"));
        if (spec.encrypted() == keys.isEmpty()) {
            throw new StoreException(spec.encrypted() ? "an encrypted network needs a key" : "only encrypted networks take keys");
        }
        return new Network(id, spec, subnet.toString(), Ipv4Subnet.format(gateway), vni, keys, now);
    }

    /** The VIPs a service holds after a create or update: kept where the network stays, new ones allocated. */
    static List<VirtualIp> virtualIps(Transaction tx, Service s) {
        List<VirtualIp> vips = new ArrayList<>();
        for (String networkId : s.spec().networkIds()) {
            Network n = requireNetwork(tx, networkId);
            if (n.spec().ingress() && !s.spec().publishes()) {
                throw new StoreException("the ingress network " + n.name() + " is only for published ports:"
                        + " services cannot attach to it with --network");
            }
            if (s.spec().endpointMode() != ServiceSpec.EndpointMode.VIP) {
                continue;
            }
            String kept = s.virtualIp(networkId);
            if (kept != null) {
                vips.add(new VirtualIp(networkId, kept));
                continue;
            }
            AddressSet used = used(n, tx.services().values(), tx.tasks().values(), tx.nodes().values());
            int address = used.take().orElseThrow(() -> new StoreException("no free address on network " + n.name()
                    + " (" + n.subnet() + ") for the VIP of service " + s.name()));
            vips.add(new VirtualIp(networkId, Ipv4Subnet.format(address)));
        }
        return vips;
    }

    /**
     * A new task with an address on each of its service's networks. When a network is full the
     * task is created rejected, saying so, and the orchestrator retries it with its back-off.
     */
    static Task attach(Transaction tx, Task task) {
        Service s = tx.services().get(task.serviceId());
        List<NetworkAttachment> attachments = new ArrayList<>();
        for (String networkId : s.spec().networkIds()) {
            Network n = requireNetwork(tx, networkId);
            AddressSet used = used(n, tx.services().values(), tx.tasks().values(), tx.nodes().values());
            var address = used.take();
            if (address.isEmpty()) {
                return task.withStatus(TaskStatus.of(TaskState.REJECTED, task.createdAt(), "rejected")
                        .withError("no free address on network " + n.name() + " (" + n.subnet() + " is full)"));
            }
            attachments.add(new NetworkAttachment(networkId, Ipv4Subnet.format(address.getAsInt())));
        }
        return task.withNetworks(attachments);
    }

    /**
     * A node being stored keeps the ingress address it has; a node without one gets the lowest free
     * address of the ingress network, if there is an ingress network with room (else it stays without,
     * and cannot relay published ports to other nodes' tasks).
     */
    static Node withIngressAddress(Transaction tx, Node node) {
        Node stored = tx.nodes().get(node.id());
        if (stored != null && stored.ingressAddress() != null) {
            return node.withIngressAddress(stored.ingressAddress());
        }
        if (node.ingressAddress() != null) {
            return node;
        }
        Network ingress = ingress(tx.networks().values());
        if (ingress == null) {
            return node;
        }
        var address = used(ingress, tx.services().values(), tx.tasks().values(), tx.nodes().values()).take();
        return address.isPresent() ? node.withIngressAddress(Ipv4Subnet.format(address.getAsInt())) : node;
    }

    /**
     * When the ingress network is created, every node already stored gets its address on it, in ID order:
     * the map's own order differs between replicas (immutable maps are salted per JVM), the addresses must not.
     */
    static void addressNodes(Transaction tx) {
        for (Node n : tx.nodes().values().stream().sorted(Comparator.comparing(Node::id)).toList()) {
            tx.nodes().put(n.id(), withIngressAddress(tx, n));
        }
    }

    /** The cluster's ingress network, or null. */
    public static Network ingress(Collection<Network> networks) {
        for (Network n : networks) {
            if (n.spec().ingress()) {
                return n;
            }
        }
        return null;
    }

    /** {@code network rm}: refused while a service uses the network, naming them, or a task still holds an address. */
    static void checkUnused(Transaction tx, Network n) {
        String users = usersOf(tx.services().values(), n.id());
        if (!users.isEmpty()) {
            throw new StoreException(inUse(n, users));
        }
        long endpoints = endpointCount(tx.tasks().values(), n.id());
        if (endpoints > 0) {
            throw new StoreException("network " + n.name() + " has active endpoints (" + endpoints
                    + " tasks still stopping)");
        }
    }

    /** The names of the services attached to {@code networkId}, sorted and comma-separated; empty when none. */
    public static String usersOf(Collection<Service> services, String networkId) {
        return services.stream().filter(s -> s.spec().networkIds().contains(networkId))
                .map(Service::name).sorted().collect(Collectors.joining(", "));
    }

    /** Why {@code network rm} refuses a network that services {@code users} are attached to. */
    public static String inUse(Network n, String users) {
        return "network " + n.name() + " is in use by service " + users;
    }

    /** Tasks that still hold an address on {@code networkId} (they have not ended). */
    public static long endpointCount(Collection<Task> tasks, String networkId) {
        return tasks.stream().filter(t -> holdsAddress(t) && t.address(networkId) != null).count();
    }

    private static Network requireNetwork(Transaction tx, String networkId) {
        Network n = tx.networks().get(networkId);
        if (n == null) {
            throw new StoreException("network " + networkId + " not found");
        }
        return n;
    }
}
