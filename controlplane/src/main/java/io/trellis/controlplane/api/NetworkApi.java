package io.trellis.controlplane.api;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAllocator;
import io.trellis.controlplane.store.NetworkKey;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code network create/ls/inspect/rm}: validation with Docker's messages, then one batch per
 * request. Subnets and VNIs are allocated when the batch is applied (the store's
 * {@code NetworkAllocator}); the key of an encrypted network is drawn here, on the manager.
 */
public final class NetworkApi {
    /** Docker's network name rule. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    /** Smallest subnet worth having: a /29 holds the gateway, a VIP and four tasks. */
    public static final int LONGEST_PREFIX = 29;
    /** How long {@link #remove} waits for the tasks of removed services to stop. */
    public static final Duration ENDPOINT_WAIT_DEFAULT = Duration.ofSeconds(10);

    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;
    private final Duration endpointWait;

    public NetworkApi(ClusterStore store, StoreWriter writer, Clock clock) {
        this(store, writer, clock, ENDPOINT_WAIT_DEFAULT);
    }

    /** @param endpointWait how long {@link #remove} waits for tasks still holding addresses on the networks */
    public NetworkApi(ClusterStore store, StoreWriter writer, Clock clock, Duration endpointWait) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        this.endpointWait = endpointWait;
    }

    /**
     * @param opts {@code --opt} entries; the overlay driver knows {@code encrypted} (alone, or
     *             {@code encrypted=true|false})
     */
    public Network create(String name, String driver, String subnet, String gateway, boolean attachable,
                          List<String> opts, Map<String, String> labels) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.invalid("invalid network name \"" + name
                    + "\": use 1-63 characters [a-zA-Z0-9_.-], starting with a letter or digit");
        }
        if (driver != null && !driver.equals(NetworkSpec.OVERLAY)) {
            throw ApiException.invalid("invalid driver \"" + driver + "\": only overlay networks span the swarm");
        }
        boolean encrypted = encrypted(opts == null ? List.of() : opts);
        ClusterSnapshot view = store.view();
        if (view.networks().values().stream().anyMatch(n -> n.name().equals(name))) {
            throw new ApiException(ApiException.Kind.CONFLICT, "network with name " + name + " already exists");
        }
        if (subnet != null) {
            checkSubnet(subnet, gateway, view);
        } else if (gateway != null) {
            throw ApiException.invalid("--gateway needs --subnet");
        }
        List<NetworkKey> keys = encrypted ? List.of(NetworkKey.generate(clock.millis())) : List.of();
        String id = Ids.newId();
        NetworkSpec spec = new NetworkSpec(name, NetworkSpec.OVERLAY, subnet, gateway, attachable, encrypted, false,
                labels);
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.CreateNetwork(id, spec, keys, clock.millis())));
        return store.view().networks().get(id);
    }

    private static boolean encrypted(List<String> opts) {
        boolean encrypted = false;
        for (String o : opts) {
            int eq = o.indexOf('=');
            String key = eq < 0 ? o : o.substring(0, eq);
            String value = eq < 0 ? "" : o.substring(eq + 1);
            if (!key.equals("encrypted")) {
                throw ApiException.invalid("invalid --opt \"" + o + "\": the overlay driver knows only encrypted");
            }
            if (!value.isEmpty() && !value.equals("true") && !value.equals("false")) {
                throw ApiException.invalid("invalid --opt \"" + o + "\": use encrypted or encrypted=true|false");
            }
            encrypted = !value.equals("false");
        }
        return encrypted;
    }

    private static void checkSubnet(String subnet, String gateway, ClusterSnapshot view) {
        Ipv4Subnet s;
        try {
            s = Ipv4Subnet.parse(subnet);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        if (s.prefixLength() > LONGEST_PREFIX || s.prefixLength() < 8) {
            throw ApiException.invalid("invalid subnet " + s + ": the prefix length must be between /8 and /"
                    + LONGEST_PREFIX);
        }
        for (Network n : view.networks().values()) {
            if (Ipv4Subnet.parse(n.subnet()).overlaps(s)) {
                throw ApiException.invalid("invalid subnet " + s + ": it overlaps " + n.subnet() + " of network "
                        + n.name());
            }
        }
        if (gateway != null) {
            int g;
            try {
                g = Ipv4Subnet.parseAddress(gateway);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("invalid --gateway: " + e.getMessage());
            }
            if (!s.contains(g) || g == s.network() || g == s.last()) {
                throw ApiException.invalid("invalid --gateway " + gateway + ": not a host address of " + s);
            }
        }
    }

    public List<Network> list() {
        return store.view().networks().values().stream().sorted(Comparator.comparing(Network::name)).toList();
    }

    public Network network(String ref) {
        return store.view().findNetwork(ref).orElseThrow(() -> ApiException.notFound("network " + ref + " not found"));
    }

    /**
     * Removes networks in one commit; any unknown or used network rejects the whole request, naming
     * the services. Tasks that still hold addresses there (those of a service just removed, while
     * they stop) are waited for, up to the endpoint wait; the refusal says when they did not end.
     */
    public List<String> remove(List<String> refs) {
        if (refs == null || refs.isEmpty()) {
            throw ApiException.invalid("give at least one network to remove");
        }
        ClusterSnapshot view = store.view();
        Map<String, Network> chosen = new LinkedHashMap<>();
        for (String ref : refs) {
            Network n = network(ref);
            String users = NetworkAllocator.usersOf(view.services().values(), n.id());
            if (!users.isEmpty()) {
                throw new ApiException(ApiException.Kind.CONFLICT, NetworkAllocator.inUse(n, users));
            }
            chosen.put(n.id(), n);
        }
        Map<String, Long> stopping = EndpointDrain.await(store, chosen.keySet(), endpointWait);
        if (!stopping.isEmpty()) {
            Map.Entry<String, Long> first = stopping.entrySet().iterator().next();
            throw new ApiException(ApiException.Kind.CONFLICT, "network " + chosen.get(first.getKey()).name()
                    + " has active endpoints: " + first.getValue() + " task" + (first.getValue() == 1 ? "" : "s")
                    + " still stopping after waiting " + waited() + "; try again once they have"
                    + " stopped");
        }
        List<StoreOp> ops = new ArrayList<>();
        chosen.keySet().forEach(id -> ops.add(new StoreOp.DeleteNetwork(id)));
        ApiCommits.commit(writer, new StoreBatch(ops));
        return chosen.values().stream().map(Network::name).toList();
    }

    private String waited() {
        long ms = endpointWait.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Network references of a service spec ({@code --network NAME}) resolved to IDs, in order, refusing duplicates. */
    public static List<String> resolve(ClusterSnapshot view, List<String> refs) {
        List<String> ids = new ArrayList<>();
        for (String ref : refs) {
            Network n = view.findNetwork(ref).orElseThrow(() -> ApiException.notFound("network " + ref + " not found"));
            if (n.spec().ingress()) {
                throw ApiException.invalid("the ingress network " + n.name() + " is only for published ports:"
                        + " services cannot attach to it with --network");
            }
            if (ids.contains(n.id())) {
                throw ApiException.invalid("network " + n.name() + " is given twice");
            }
            ids.add(n.id());
        }
        return ids;
    }
}
