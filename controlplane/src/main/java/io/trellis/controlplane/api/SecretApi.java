package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Secret;
import io.trellis.controlplane.store.SecretReference;
import io.trellis.controlplane.store.SecretUsage;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code secret create/ls/inspect/rm} and {@code service update --secret-add/--secret-rm}, with Docker's
 * rules: one batch per request, checked again when applied (unique names, no removal while in use).
 * Messages never carry a secret's value.
 */
public final class SecretApi {
    /** Docker's limit on a secret's value: 500 KiB. */
    public static final int MAX_SIZE = 500 * 1024;
    /** Docker's secret name rule. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;

    public SecretApi(ClusterStore store, StoreWriter writer, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    /** The one-line refusal of a value that is empty or larger than {@link #MAX_SIZE}, or null when it fits. */
    public static String sizeProblem(long size) {
        if (size == 0) {
            return "secret data is empty";
        }
        if (size > MAX_SIZE) {
            return "secret data is " + size + " bytes; the limit is " + MAX_SIZE + " (500 KiB)";
        }
        return null;
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.invalid("invalid secret name \"" + name
                    + "\": use 1-64 characters [a-zA-Z0-9_.-], starting with a letter or digit");
        }
    }

    public Secret create(String name, byte[] data, Map<String, String> labels) {
        checkName(name);
        String tooBig = sizeProblem(data == null ? 0 : data.length);
        if (tooBig != null) {
            throw ApiException.invalid(tooBig);
        }
        if (store.view().secrets().values().stream().anyMatch(s -> s.name().equals(name))) {
            throw new ApiException(ApiException.Kind.CONFLICT, "secret " + name + " already exists");
        }
        long now = clock.millis();
        Secret s = new Secret(Ids.newId(), name, labels, now, now, data);
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.CreateSecret(s)));
        return store.view().secrets().get(s.id());
    }

    public List<Secret> list() {
        return store.view().secrets().values().stream().sorted(Comparator.comparing(Secret::name)).toList();
    }

    public Secret secret(String ref) {
        return find(store.view(), ref);
    }

    static Secret find(ClusterSnapshot view, String ref) {
        return view.findSecret(ref).orElseThrow(() -> ApiException.notFound("no such secret: " + ref));
    }

    /** Removes secrets in one commit; an unknown or used secret rejects the whole request. */
    public List<String> remove(List<String> refs) {
        if (refs == null || refs.isEmpty()) {
            throw ApiException.invalid("give at least one secret to remove");
        }
        ClusterSnapshot view = store.view();
        Map<String, Secret> chosen = new LinkedHashMap<>();
        for (String ref : refs) {
            Secret s = find(view, ref);
            String users = SecretUsage.usersOf(view.services().values(), s.id());
            if (!users.isEmpty()) {
                throw new ApiException(ApiException.Kind.CONFLICT, SecretUsage.inUse(s, users));
            }
            chosen.put(s.id(), s);
        }
        List<StoreOp> ops = new ArrayList<>();
        chosen.keySet().forEach(id -> ops.add(new StoreOp.DeleteSecret(id)));
        ApiCommits.commit(writer, new StoreBatch(ops));
        return chosen.values().stream().map(Secret::name).toList();
    }

    /**
     * {@code service update --secret-rm/--secret-add}: removals (by secret name or target) first, then
     * additions, in one commit that also replaces the tasks as a rolling update (as {@code --force}): a task
     * sees its secrets as they were when it started.
     */
    public Service updateService(Service s, List<String> add, List<String> rm) {
        if (add.isEmpty() && rm.isEmpty()) {
            throw ApiException.invalid("nothing to update: give --secret-add or --secret-rm");
        }
        List<SecretReference> next = new ArrayList<>(s.spec().container().secrets());
        for (String r : rm) {
            if (!next.removeIf(ref -> ref.secretName().equals(r) || ref.target().equals(r))) {
                throw ApiException.invalid("service " + s.name() + " has no secret " + r);
            }
        }
        next.addAll(SecretOption.references(store.view(), "--secret-add", add));
        SecretOption.checkTargets("--secret-add", next);
        ServiceSpec spec = s.spec().withContainer(s.spec().container().withSecrets(next))
                .withForceUpdate(s.version() + 1);
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), spec, clock.millis())));
        return store.view().services().get(s.id());
    }
}
