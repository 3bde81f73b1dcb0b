package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manager's service API: validates, resolves names, and turns each request into one atomic
 * batch, so a rejected request changes nothing. Reads come from the local replica.
 */
public final class ClusterApi {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;

    public ClusterApi(ClusterStore store, StoreWriter writer, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    public ClusterSnapshot view() {
        return store.view();
    }

    public Service createService(ServiceSpec requested) {
        ServiceSpecValidator.validate(requested);
        if (view().serviceByName(requested.name()).isPresent()) {
            throw new ApiException(ApiException.Kind.CONFLICT, "service " + requested.name() + " already exists");
        }
        ServiceSpec spec = PortPublishing.prepare(view(), requested, null);
        NetworkCapacity.check(view(), spec, null);
        long now = clock.millis();
        Service s = new Service(Ids.newId(), spec, 1, now, now);
        commit(StoreBatch.of(new StoreOp.CreateService(s)));
        return view().services().get(s.id());
    }

    public Service service(String ref) {
        return view().findService(ref).orElseThrow(() -> ApiException.notFound("service " + ref + " not found"));
    }

    public List<Task> tasks(String ref) {
        return view().tasksOf(service(ref).id());
    }

    /**
     * The running task {@code ref} names, for {@code trellis exec}: a task name ({@code web.2}, or
     * {@code web.NODEID} for a global service), a full task ID or a unique prefix of one. Only a task meant to
     * run and running qualifies: a name outlives its tasks, and a stopped one has nothing to enter.
     */
    public Task runningTask(String ref) {
        ClusterSnapshot view = view();
        List<Task> found = view.tasks().values().stream()
                .filter(t -> ref.equals(t.id()) || ref.equals(t.name())).toList();
        if (found.isEmpty() && ref.length() >= 3) {
            found = view.tasks().values().stream().filter(t -> t.id().startsWith(ref)).toList();
        }
        if (found.isEmpty()) {
            throw ApiException.notFound("no such task: " + ref);
        }
        List<Task> running = found.stream()
                .filter(t -> t.desiredState() == TaskState.RUNNING && t.status().state() == TaskState.RUNNING
                        && t.nodeId() != null)
                .toList();
        if (running.size() > 1) {
            throw ApiException.invalid("task " + ref + " is ambiguous (" + running.size() + " matches found): use its ID");
        }
        if (running.isEmpty()) {
            Task newest = found.stream().max(Comparator.comparingLong(Task::createdAt)).orElseThrow();
            throw ApiException.invalid("task " + newest.name() + " is not running (" + newest.status().state().display()
                    .toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return running.get(0);
    }

    /**
     * Looks a node up the way the Docker CLI does: full ID, hostname, then unique ID prefix. A
     * hostname or prefix that fits several nodes is refused rather than guessed.
     */
    public Node node(String ref) {
        ClusterSnapshot view = view();
        Node byId = view.nodes().get(ref);
        if (byId != null) {
            return byId;
        }
        List<Node> named = view.nodes().values().stream().filter(n -> ref.equals(n.hostname())).toList();
        if (named.isEmpty() && !ref.isEmpty()) {
            named = view.nodes().values().stream().filter(n -> n.id().startsWith(ref)).toList();
        }
        if (named.size() > 1) {
            throw ApiException.invalid("node " + ref + " is ambiguous (" + named.size() + " matches found): use its ID");
        }
        if (named.isEmpty()) {
            throw ApiException.notFound("node " + ref + " not found");
        }
        return named.get(0);
    }

    /** The tasks placed on a node: by service name, slot, newest first (like {@code docker node ps}). */
    public List<Task> nodeTasks(String ref) {
        Node n = node(ref);
        return view().tasksOnNode(n.id()).stream()
                .sorted(Comparator.comparing(Task::serviceName).thenComparing(Task::serviceId)
                        .thenComparingInt(Task::slot)
                        .thenComparing(Comparator.comparingLong(Task::createdAt).reversed()))
                .toList();
    }

    /**
     * {@code node update}: availability ({@code null} keeps it), labels added ({@code K=V} or
     * {@code K}) then removed, in one commit. Removing a label the node does not have is refused.
     */
    public Node updateNode(String ref, String availability, List<String> labelAdd, List<String> labelRm) {
        List<String> adds = labelAdd == null ? List.of() : labelAdd;
        List<String> rms = labelRm == null ? List.of() : labelRm;
        Node.Availability a = availability == null ? null : availability(availability);
        if (a == null && adds.isEmpty() && rms.isEmpty()) {
            throw ApiException.invalid("nothing to update: give --availability, --label-add or --label-rm");
        }
        Map<String, String> add = new LinkedHashMap<>();
        for (String l : adds) {
            int eq = l.indexOf('=');
            String key = eq < 0 ? l : l.substring(0, eq);
            validateLabelKey("--label-add", l, key);
            add.put(key, eq < 0 ? "" : l.substring(eq + 1));
        }
        Node n = node(ref);
        for (String key : rms) {
            validateLabelKey("--label-rm", key, key);
            if (!add.containsKey(key) && !n.labels().containsKey(key)) {
                throw ApiException.invalid("key " + key + " doesn't exist in node's labels");
            }
        }
        commit(StoreBatch.of(new StoreOp.UpdateNodeSpec(n.id(), a, add, rms, clock.millis())));
        return view().nodes().get(n.id());
    }

    /** {@code --availability}: active, pause or drain. */
    public static Node.Availability availability(String text) {
        for (Node.Availability a : Node.Availability.values()) {
            if (a.name().equalsIgnoreCase(text)) {
                return a;
            }
        }
        throw ApiException.invalid("invalid --availability \"" + text + "\": use active, pause or drain");
    }

    private static void validateLabelKey(String flag, String given, String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
            throw ApiException.invalid("invalid " + flag + " \"" + given + "\": expected KEY=VALUE with a key"
                    + " that is not empty and has no whitespace");
        }
    }

    /** Scales several services in one commit: all of them or, on any error, none. */
    public Map<String, Integer> scale(Map<String, Integer> requested) {
        if (requested.isEmpty()) {
            throw ApiException.invalid("nothing to scale: give SERVICE=REPLICAS");
        }
        long now = clock.millis();
        List<StoreOp> ops = new ArrayList<>();
        Map<String, Integer> result = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : requested.entrySet()) {
            Service s = service(e.getKey());
            if (s.spec().global()) {
                throw ApiException.invalid("service " + s.name() + " is global: scale can only be used with replicated mode");
            }
            ServiceSpecValidator.validateReplicas(s.name(), e.getValue());
            NetworkCapacity.check(view(), s.spec().withReplicas(e.getValue()), s);
            ops.add(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withReplicas(e.getValue()), now));
            result.put(s.name(), e.getValue());
        }
        commit(new StoreBatch(ops));
        return result;
    }

    /**
     * {@code service update --network-add/--network-rm}: the new network list in one commit; the
     * orchestrator then replaces the tasks, which get addresses on the new networks.
     */
    public Service updateNetworks(String ref, List<NetworkAttachmentSpec> add, List<String> rm) {
        Service s = service(ref);
        ClusterSnapshot view = view();
        List<NetworkAttachmentSpec> next = new ArrayList<>(s.spec().networks());
        for (String r : rm) {
            Network n = view.findNetwork(r).orElseThrow(() -> ApiException.notFound("network " + r + " not found"));
            if (n.spec().ingress()) {
                throw ApiException.invalid("the ingress network " + n.name() + " follows the published ports:"
                        + " use --publish-rm");
            }
            String id = n.id();
            if (!next.removeIf(a -> a.target().equals(id))) {
                throw ApiException.invalid("service " + s.name() + " is not attached to network " + r);
            }
        }
        for (NetworkAttachmentSpec a : add) {
            String id = NetworkApi.resolve(view, List.of(a.target())).get(0);
            if (next.stream().anyMatch(e -> e.target().equals(id))) {
                throw ApiException.invalid("service " + s.name() + " is already attached to network " + a.target());
            }
            next.add(new NetworkAttachmentSpec(id, a.aliases()));
        }
        if (add.isEmpty() && rm.isEmpty()) {
            throw ApiException.invalid("nothing to update: give --network-add or --network-rm");
        }
        ServiceSpec spec = PortPublishing.prepare(view, s.spec().withNetworks(next), s);
        NetworkCapacity.check(view, spec, s);
        commit(StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), spec, clock.millis())));
        return view().services().get(s.id());
    }

    /**
     * {@code service update --publish-add/--publish-rm/--lb-algorithm}: removals first, then additions, in one
     * commit; a change of the ports attaches or detaches the ingress network, which replaces the tasks.
     */
    public Service updatePorts(String ref, List<PortConfig> add, List<String> rm, String lbAlgorithm) {
        if (add.isEmpty() && rm.isEmpty() && lbAlgorithm == null) {
            throw ApiException.invalid("nothing to update: give --publish-add, --publish-rm or --lb-algorithm");
        }
        Service s = service(ref);
        List<PortConfig> ports = s.spec().ports();
        for (String r : rm) {
            ports = PortPublishing.remove(ports, r, s.name());
        }
        List<PortConfig> next = new ArrayList<>(ports);
        next.addAll(add);
        ServiceSpec spec = s.spec().withPorts(next);
        if (lbAlgorithm != null) {
            spec = spec.withLbAlgorithm(lbAlgorithm);
        }
        spec = PortPublishing.prepare(view(), spec, s);
        NetworkCapacity.check(view(), spec, s);
        commit(StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), spec, clock.millis())));
        return view().services().get(s.id());
    }

    /**
     * {@code service update --force}: every task running now is replaced as the update config says (a rolling
     * update; global services node by node), with no change to the spec otherwise.
     */
    public Service forceUpdate(String ref) {
        Service s = service(ref);
        // Tasks created from the version this update makes on are current.
        ServiceSpec spec = s.spec().withForceUpdate(s.version() + 1);
        commit(StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), spec, clock.millis())));
        return view().services().get(s.id());
    }

    /** Removes services in one commit; an unknown name rejects the whole request. */
    public List<String> removeServices(List<String> refs) {
        if (refs.isEmpty()) {
            throw ApiException.invalid("give at least one service to remove");
        }
        List<StoreOp> ops = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String ref : refs) {
            Service s = service(ref);
            if (!removed.contains(s.name())) {
                ops.add(new StoreOp.DeleteService(s.id()));
                removed.add(s.name());
            }
        }
        commit(new StoreBatch(ops));
        return removed;
    }

    private void commit(StoreBatch batch) {
        ApiCommits.commit(writer, batch);
    }
}
