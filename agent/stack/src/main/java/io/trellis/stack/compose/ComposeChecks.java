package io.trellis.stack.compose;

import io.trellis.stack.compose.ServiceDef.MountDef;
import io.trellis.stack.compose.ServiceDef.SecretUse;
import java.util.Map;

/**
 * What only the merged files can tell: each service has an image, and every network, volume and secret a
 * service names is defined at the top level (or is the stack's {@code default} network).
 */
final class ComposeChecks {
    static final String DEFAULT_NETWORK = "default";

    private ComposeChecks() {
    }

    /** @param origins {@code file:line: key.path} by lookup key, from the parser */
    static void check(ComposeFile file, Map<String, String> origins, String firstFile) {
        if (file.services().isEmpty()) {
            throw new ComposeException(firstFile + ": services: a stack needs at least one service");
        }
        file.services().forEach((name, s) -> {
            String at = "services." + name;
            if (s.image() == null) {
                throw fail(origins, at, "an image is required");
            }
            if (s.networks() != null) {
                for (String n : s.networks().keySet()) {
                    if (!n.equals(DEFAULT_NETWORK) && !file.networks().containsKey(n)) {
                        throw fail(origins, at + ".networks." + n, "network " + n + " is not defined under networks");
                    }
                }
            }
            if (s.secrets() != null) {
                for (SecretUse u : s.secrets()) {
                    if (!file.secrets().containsKey(u.source())) {
                        throw fail(origins, at + ".secrets." + u.source(), "secret " + u.source()
                                + " is not defined under secrets");
                    }
                }
            }
            if (s.volumes() != null) {
                for (MountDef m : s.volumes()) {
                    if (m.type().equals("volume") && m.source() != null && !file.volumes().containsKey(m.source())) {
                        throw fail(origins, at + ".volumes." + m.target(), "volume " + m.source()
                                + " is not defined under volumes");
                    }
                }
            }
            DeployDef d = s.deploy();
            if (d != null && "global".equals(d.mode())) {
                if (d.replicas() != null) {
                    throw fail(origins, at, "deploy.replicas can only be used with deploy.mode replicated");
                }
                if (d.placement() != null && d.placement().maxReplicasPerNode() != null) {
                    throw fail(origins, at, "deploy.placement.max_replicas_per_node can only be used with"
                            + " deploy.mode replicated");
                }
            }
        });
    }

    private static ComposeException fail(Map<String, String> origins, String key, String message) {
        return new ComposeException(origins.getOrDefault(key, key) + ": " + message);
    }
}
