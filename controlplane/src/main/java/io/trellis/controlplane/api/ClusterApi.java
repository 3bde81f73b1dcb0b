package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import java.time.Clock;
import java.util.ArrayList;
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

    public Service createService(ServiceSpec spec) {
        ServiceSpecValidator.validate(spec);
        if (view().serviceByName(spec.name()).isPresent()) {
            throw new ApiException(ApiException.Kind.CONFLICT, "service " + spec.name() + " already exists");
        }
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
            ServiceSpecValidator.validateReplicas(s.name(), e.getValue());
            ops.add(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withReplicas(e.getValue()), now));
            result.put(s.name(), e.getValue());
        }
        commit(new StoreBatch(ops));
        return result;
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
        StoreReply reply;
        try {
            reply = writer.submit(batch);
        } catch (Proposer.NotLeaderException e) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not the leader: " + e.getMessage());
        } catch (StoreWriter.StoreUnavailableException e) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, e.getMessage());
        }
        if (!reply.ok()) {
            throw new ApiException(ApiException.Kind.CONFLICT, reply.error());
        }
    }
}
