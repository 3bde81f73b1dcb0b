package io.trellis.stack.compose;

import java.util.Map;

/**
 * A compose file (or several merged), interpolated and checked: what {@code stack config} prints and
 * {@code stack deploy} deploys. Maps keep the file's order; absent sections are empty.
 */
public record ComposeFile(Map<String, ServiceDef> services, Map<String, NetworkDef> networks,
                          Map<String, VolumeDef> volumes, Map<String, SecretDef> secrets) {

    public ComposeFile {
        services = Maps.copy(services);
        networks = Maps.copy(networks);
        volumes = Maps.copy(volumes);
        secrets = Maps.copy(secrets);
    }
}
