package io.trellis.stack.compose;

import java.util.Map;

/** An entry of the top-level {@code volumes:}; kept for the volumes support of the API. */
public record VolumeDef(String driver, Map<String, String> driverOpts, Boolean external, String name,
                        Map<String, String> labels) {

    public VolumeDef {
        driverOpts = Maps.copyOrNull(driverOpts);
        labels = Maps.copyOrNull(labels);
    }
}
