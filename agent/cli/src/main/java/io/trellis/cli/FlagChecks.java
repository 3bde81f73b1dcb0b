package io.trellis.cli;

import io.trellis.api.NetworkOption;
import java.util.List;
import java.util.Locale;

/**
 * What the CLI can tell is wrong from the command line alone, checked before it contacts the agent so
 * bad input costs no round trip and never reaches a half-applied state. The agent checks the same
 * again (the admin API has other clients); the messages are the agent's, word for word. Rules that
 * need the cluster (names, labels a node has) and the constraint grammar stay with the agent.
 */
final class FlagChecks {
    /** The agent's limit (ServiceSpecValidator.MAX_REPLICAS). */
    static final int MAX_REPLICAS = 10_000;

    private FlagChecks() {
    }

    static void serviceCreate(String name, Integer replicas, String mode, Integer maxReplicasPerNode, List<String> env) {
        boolean global = mode != null && mode.equalsIgnoreCase("global");
        if (mode != null && !global && !mode.equalsIgnoreCase("replicated")) {
            throw CliException.user("invalid --mode \"" + mode + "\": use replicated or global");
        }
        if (global && replicas != null && replicas != 0) {
            throw CliException.user("--replicas can only be used with --mode replicated");
        }
        if (replicas != null) {
            replicas(name, replicas);
        }
        if (maxReplicasPerNode != null && maxReplicasPerNode < 0) {
            throw CliException.user("invalid --replicas-max-per-node " + maxReplicasPerNode
                    + ": must be 0 (no limit) or more");
        }
        if (global && maxReplicasPerNode != null && maxReplicasPerNode != 0) {
            throw CliException.user("--replicas-max-per-node can only be used with --mode replicated");
        }
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw CliException.user("invalid --env \"" + e + "\": expected KEY=VALUE");
            }
            if (hasWhitespaceOrNul(e.substring(0, eq))) {
                throw CliException.user("invalid --env \"" + e + "\": the key may not contain whitespace");
            }
        }
    }

    /** {@code service create --network ... --endpoint-mode ...}. */
    static void serviceNetworks(List<String> networks, String endpointMode) {
        networkOptions("--network", networks);
        if (endpointMode != null && !endpointMode.toLowerCase(Locale.ROOT).matches("vip|dnsrr")) {
            throw CliException.user("invalid --endpoint-mode \"" + endpointMode + "\": use vip or dnsrr");
        }
    }

    /**
     * {@code service update}. Without any flag it goes to the agent all the same: that resumes a paused update,
     * and the agent says "nothing to update" otherwise.
     */
    static void serviceUpdate(List<String> networkAdd, String service, Integer replicas, List<String> envAdd) {
        networkOptions("--network-add", networkAdd);
        if (replicas != null) {
            replicas(service, replicas);
        }
        for (String e : envAdd) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw CliException.user("invalid --env \"" + e + "\": expected KEY=VALUE");
            }
            if (hasWhitespaceOrNul(e.substring(0, eq))) {
                throw CliException.user("invalid --env \"" + e + "\": the key may not contain whitespace");
            }
        }
    }

    private static void networkOptions(String flag, List<String> values) {
        for (String v : values) {
            try {
                NetworkOption.parse(flag, v);
            } catch (IllegalArgumentException e) {
                throw CliException.user(e.getMessage());
            }
        }
    }

    /** {@code network create}: the driver, options and labels; subnets need the cluster (overlaps). */
    static void networkCreate(String driver, String subnet, String gateway, List<String> opts, List<String> labels) {
        if (driver != null && !driver.equals("overlay")) {
            throw CliException.user("invalid driver \"" + driver + "\": only overlay networks span the swarm");
        }
        if (gateway != null && subnet == null) {
            throw CliException.user("--gateway needs --subnet");
        }
        for (String o : opts) {
            int eq = o.indexOf('=');
            String key = eq < 0 ? o : o.substring(0, eq);
            String value = eq < 0 ? "" : o.substring(eq + 1);
            if (!key.equals("encrypted")) {
                throw CliException.user("invalid --opt \"" + o + "\": the overlay driver knows only encrypted");
            }
            if (!value.isEmpty() && !value.equals("true") && !value.equals("false")) {
                throw CliException.user("invalid --opt \"" + o + "\": use encrypted or encrypted=true|false");
            }
        }
        for (String l : labels) {
            int eq = l.indexOf('=');
            labelKey("--label", l, eq < 0 ? l : l.substring(0, eq));
        }
    }

    static void replicas(String service, int replicas) {
        if (replicas < 0 || replicas > MAX_REPLICAS) {
            throw CliException.user("invalid replicas " + replicas + " for " + service
                    + ": must be between 0 and " + MAX_REPLICAS);
        }
    }

    static void nodeUpdate(String availability, List<String> labelAdd, List<String> labelRm, String role) {
        if (role != null && !role.matches("manager|worker")) {
            throw CliException.user("invalid --role \"" + role + "\": use manager or worker");
        }
        if (availability != null && !availability.matches("active|pause|drain")) {
            throw CliException.user("invalid --availability \"" + availability + "\": use active, pause or drain");
        }
        if (availability == null && labelAdd.isEmpty() && labelRm.isEmpty() && role == null) {
            throw CliException.user("nothing to update: give --availability, --label-add or --label-rm");
        }
        for (String l : labelAdd) {
            int eq = l.indexOf('=');
            labelKey("--label-add", l, eq < 0 ? l : l.substring(0, eq));
        }
        for (String key : labelRm) {
            labelKey("--label-rm", key, key);
        }
    }

    static void joinTokenRole(String role) {
        String r = role.toLowerCase(Locale.ROOT);
        if (!r.equals("worker") && !r.equals("manager")) {
            throw CliException.user("invalid role \"" + role + "\": use worker or manager");
        }
    }

    private static void labelKey(String flag, String given, String key) {
        if (key.isEmpty() || hasWhitespaceOrNul(key)) {
            throw CliException.user("invalid " + flag + " \"" + given + "\": expected KEY=VALUE with a key"
                    + " that is not empty and has no whitespace");
        }
    }

    private static boolean hasWhitespaceOrNul(String s) {
        return s.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0);
    }
}
