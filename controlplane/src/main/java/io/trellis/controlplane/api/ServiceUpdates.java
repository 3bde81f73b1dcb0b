package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.UpdateStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code service update} with {@code --image}, {@code --args}, {@code --env-add/--env-rm}, {@code --replicas}, the
 * {@code --update-*}, {@code --rollback-*} and {@code --restart-*} flags, {@code --stop-grace-period},
 * {@code --placement-pref-add/-rm} and {@code --container-label-add/-rm}; rollback and
 * resume. A request's other flags commit on their own (networks, ports, secrets, health, resources, force); this class
 * checks its own flags before any of them and commits last, naming the spec from before the first commit as the one a
 * rollback returns to, so one {@code service update} is one step back however many commits it made.
 */
public final class ServiceUpdates {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;

    /**
     * The flags this class handles; null or empty when not given.
     *
     * @param args {@code --args}, already split into words; an empty list resets the command to the image's
     */
    public record Changes(String image, List<String> args, List<String> envAdd, List<String> envRm, Integer replicas,
                          UpdateOptions update, UpdateOptions rollback, RestartOptions restart,
                          List<String> preferenceAdd, List<String> preferenceRm, List<String> containerLabelAdd,
                          List<String> containerLabelRm) {
        public static final Changes NONE = new Changes(null, null, null, null, null, null, null, null);

        public Changes {
            envAdd = envAdd == null ? List.of() : List.copyOf(envAdd);
            envRm = envRm == null ? List.of() : List.copyOf(envRm);
            args = args == null ? null : List.copyOf(args);
            update = update == null ? UpdateOptions.NONE : update;
            rollback = rollback == null ? UpdateOptions.NONE : rollback;
            restart = restart == null ? RestartOptions.NONE : restart;
            preferenceAdd = preferenceAdd == null ? List.of() : List.copyOf(preferenceAdd);
            preferenceRm = preferenceRm == null ? List.of() : List.copyOf(preferenceRm);
            containerLabelAdd = containerLabelAdd == null ? List.of() : List.copyOf(containerLabelAdd);
            containerLabelRm = containerLabelRm == null ? List.of() : List.copyOf(containerLabelRm);
        }

        public Changes(String image, List<String> args, List<String> envAdd, List<String> envRm, Integer replicas,
                       UpdateOptions update, UpdateOptions rollback, RestartOptions restart) {
            this(image, args, envAdd, envRm, replicas, update, rollback, restart, null, null, null, null);
        }

        public Changes(String image, List<String> args, List<String> envAdd, List<String> envRm, Integer replicas,
                       UpdateOptions update, UpdateOptions rollback) {
            this(image, args, envAdd, envRm, replicas, update, rollback, null);
        }

        public boolean given() {
            return image != null || args != null || !envAdd.isEmpty() || !envRm.isEmpty() || replicas != null
                    || update.given() || rollback.given() || restart.given() || !preferenceAdd.isEmpty()
                    || !preferenceRm.isEmpty() || !containerLabelAdd.isEmpty() || !containerLabelRm.isEmpty();
        }
    }

    public ServiceUpdates(ClusterStore store, StoreWriter writer, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    /** {@code service create}: {@code spec} with the update and rollback configs the flags give. */
    public static ServiceSpec create(ServiceSpec spec, UpdateOptions update, UpdateOptions rollback) {
        return create(spec, update, rollback, RestartOptions.NONE);
    }

    /** {@code service create}: {@code spec} with the update configs, restart policy and stop grace the flags give. */
    public static ServiceSpec create(ServiceSpec spec, UpdateOptions update, UpdateOptions rollback,
                                     RestartOptions restart) {
        return restart.applyTo(spec.withUpdateConfigs(update.applyTo(spec.updateConfig(), false),
                rollback.applyTo(spec.rollbackConfig(), true)));
    }

    /** Refuses bad flags before anything of the request is committed. */
    public void check(Service s, Changes c) {
        ServiceSpec next = apply(s, s.spec(), c);
        NetworkCapacity.check(store.view(), next, s);
    }

    /**
     * After the request's other commits: these flags applied to the service as it is now, committed with the
     * spec from {@code before} as the previous one when the request changed anything.
     */
    public Service finish(Service before, Changes c) {
        Service s = service(before.id());
        ServiceSpec next = apply(s, s.spec(), c);
        if (s.version() == before.version() && next.equals(s.spec())) {
            return s; // nothing changed (a flag repeating the current value): no rollout, previous spec kept
        }
        if (s.version() == before.version() + 1 && next.equals(s.spec())) {
            return s; // one commit of the other flags: its previous spec is already the one from before
        }
        NetworkCapacity.check(store.view(), next, s);
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), next, clock.millis(),
                before.spec())));
        return service(s.id());
    }

    /** {@code service rollback}, {@code service update --rollback}: back to the previous spec. */
    public Service rollback(String ref) {
        Service s = service(ref);
        if (s.previousSpec() == null) {
            throw ApiException.invalid("service " + s.name() + " has no previous spec to roll back to");
        }
        long now = clock.millis();
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.RollbackService(s.id(), s.version(),
                new UpdateStatus(UpdateStatus.State.ROLLBACK_STARTED, now, 0, "manually requested rollback"), now)));
        return service(s.id());
    }

    /**
     * {@code service update SERVICE} without flags resumes a paused update or rollback (the spec committed
     * again, which clears the status); null when the service is not paused.
     */
    public Service resume(String ref) {
        Service s = service(ref);
        if (s.updateStatus() == null || !s.updateStatus().state().paused()) {
            return null;
        }
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), s.spec(), clock.millis(),
                s.previousSpec())));
        return service(s.id());
    }

    private Service service(String ref) {
        return store.view().findService(ref).orElseThrow(() -> ApiException.notFound("service " + ref + " not found"));
    }

    static ServiceSpec apply(Service s, ServiceSpec spec, Changes c) {
        String image = spec.image();
        if (c.image() != null) {
            if (c.image().isBlank()) {
                throw ApiException.invalid("invalid --image: the image is empty");
            }
            image = c.image().strip();
        }
        List<String> env = env(spec.env(), c.envAdd(), c.envRm());
        ServiceSpec next = spec.withTask(image, c.args() != null ? c.args() : spec.command(), env)
                .withUpdateConfigs(c.update().applyTo(spec.updateConfig(), false),
                        c.rollback().applyTo(spec.rollbackConfig(), true));
        next = c.restart().applyTo(next);
        if (!c.preferenceAdd().isEmpty() || !c.preferenceRm().isEmpty()) {
            // Not part of the task template (as constraints): running tasks stay, new ones follow the preferences.
            next = next.withPreferences(ServiceSpecValidator.preferences(spec.preferences(), c.preferenceAdd(),
                    c.preferenceRm()));
        }
        if (!c.containerLabelAdd().isEmpty() || !c.containerLabelRm().isEmpty()) {
            next = next.withContainer(next.container().withLabels(ContainerLabelOptions.update(
                    spec.container().labels(), c.containerLabelAdd(), c.containerLabelRm())));
        }
        if (c.replicas() != null) {
            if (spec.global()) {
                throw ApiException.invalid("--replicas can only be used with --mode replicated; " + s.name()
                        + " is global");
            }
            ServiceSpecValidator.validateReplicas(s.name(), c.replicas());
            next = next.withReplicas(c.replicas());
        }
        return next;
    }

    /** Docker's order: additions replace an entry with the same key or come last, then removals by key. */
    static List<String> env(List<String> current, List<String> add, List<String> rm) {
        List<String> env = new ArrayList<>(current);
        for (String e : add) {
            ServiceSpecValidator.validateEnv(e);
            String key = key(e);
            int at = indexOf(env, key);
            if (at >= 0) {
                env.set(at, e);
            } else {
                env.add(e);
            }
        }
        for (String r : rm) {
            if (r.isBlank()) {
                throw ApiException.invalid("invalid --env-rm: the key is empty");
            }
            int at;
            while ((at = indexOf(env, key(r))) >= 0) {
                env.remove(at);
            }
        }
        return env;
    }

    private static int indexOf(List<String> env, String key) {
        for (int i = 0; i < env.size(); i++) {
            if (key(env.get(i)).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static String key(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }
}
