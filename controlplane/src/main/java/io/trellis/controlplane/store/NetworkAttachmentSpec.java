package io.trellis.controlplane.store;

import java.util.List;

/**
 * A service's {@code --network}: the network's ID (names are resolved before they are stored) and
 * extra DNS names the service answers to on that network.
 */
public record NetworkAttachmentSpec(String target, List<String> aliases) {

    public NetworkAttachmentSpec {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
}
