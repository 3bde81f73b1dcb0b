package io.trellis.controlplane.api;

import io.trellis.controlplane.constraint.Constraint;
import io.trellis.controlplane.constraint.PlacementPreferences;
import io.trellis.controlplane.store.PlacementPreference;
import io.trellis.controlplane.store.ServiceSpec;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a service spec the way Docker does, with one message naming the bad field. */
public final class ServiceSpecValidator {
    /** Docker's service name rule: a DNS-friendly label of at most 63 characters. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    public static final int MAX_REPLICAS = 10_000;

    private ServiceSpecValidator() {
    }

    public static void validate(ServiceSpec spec) {
        if (spec.name() == null || spec.name().isEmpty()) {
            throw ApiException.invalid("--name is required");
        }
        if (!NAME.matcher(spec.name()).matches()) {
            throw ApiException.invalid("invalid service name \"" + spec.name()
                    + "\": use 1-63 characters [a-zA-Z0-9_.-], starting with a letter or digit");
        }
        if (spec.image() == null || spec.image().isBlank()) {
            throw ApiException.invalid("an image is required: trellis service create --name NAME IMAGE [CMD...]");
        }
        validateReplicas(spec.name(), spec.replicas());
        for (String e : spec.env()) {
            validateEnv(e);
        }
        validatePlacement(spec);
        ContainerLabelOptions.check(spec.container().labels());
        spec.labels().forEach((key, value) -> {
            if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0) || value == null) {
                throw ApiException.invalid("invalid label \"" + key + "\": expected a key that is not empty and has"
                        + " no whitespace, and a value");
            }
        });
    }

    /** Mode, {@code --constraint} and {@code --replicas-max-per-node}, as {@code docker service create} checks them. */
    static void validatePlacement(ServiceSpec spec) {
        if (spec.global() && spec.replicas() != 0) {
            throw ApiException.invalid("--replicas can only be used with --mode replicated");
        }
        if (spec.maxReplicasPerNode() < 0) {
            throw ApiException.invalid("invalid --replicas-max-per-node " + spec.maxReplicasPerNode()
                    + ": must be 0 (no limit) or more");
        }
        if (spec.global() && spec.maxReplicasPerNode() != 0) {
            throw ApiException.invalid("--replicas-max-per-node can only be used with --mode replicated");
        }
        try {
            Constraint.parseAll(spec.constraints());
            for (PlacementPreference p : spec.preferences()) {
                PlacementPreferences.parse(p.toString()); // a spec from elsewhere than the flags
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    /** {@code --placement-pref} options, parsed. */
    public static List<PlacementPreference> preferences(List<String> options) {
        try {
            return PlacementPreferences.parseAll(options);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    /** {@code --placement-pref-add/-rm} applied to the current preferences. */
    static List<PlacementPreference> preferences(List<PlacementPreference> current, List<String> add,
                                                 List<String> rm) {
        try {
            return PlacementPreferences.update(current, add, rm);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    /** {@code --mode}: replicated or global. */
    public static ServiceSpec.Mode mode(String text) {
        if (text == null || text.equalsIgnoreCase("replicated")) {
            return ServiceSpec.Mode.REPLICATED;
        }
        if (text.equalsIgnoreCase("global")) {
            return ServiceSpec.Mode.GLOBAL;
        }
        throw ApiException.invalid("invalid --mode \"" + text + "\": use replicated or global");
    }

    public static void validateReplicas(String service, int replicas) {
        if (replicas < 0 || replicas > MAX_REPLICAS) {
            throw ApiException.invalid("invalid replicas " + replicas + " for " + service
                    + ": must be between 0 and " + MAX_REPLICAS);
        }
    }

    static void validateEnv(String e) {
        int eq = e.indexOf('=');
        if (eq <= 0) {
            throw ApiException.invalid("invalid --env \"" + e + "\": expected KEY=VALUE");
        }
        String key = e.substring(0, eq);
        for (int i = 0; i < key.length(); i++) {
            if (Character.isWhitespace(key.charAt(i)) || key.charAt(i) == 0) {
                throw ApiException.invalid("invalid --env \"" + e + "\": the key may not contain whitespace");
            }
        }
    }
}
