package io.trellis.stack.compose;

import java.util.Map;

/**
 * An entry of the top-level {@code networks:}. {@code external}: the network must exist, under {@code name}
 * (default: its key); otherwise {@code stack deploy} creates it, named {@code name} or {@code STACK_KEY}.
 */
public record NetworkDef(String driver, Map<String, String> driverOpts, Boolean attachable, Boolean external,
                         String name, Map<String, String> labels) {

    public NetworkDef {
        driverOpts = Maps.copyOrNull(driverOpts);
        labels = Maps.copyOrNull(labels);
    }
}
