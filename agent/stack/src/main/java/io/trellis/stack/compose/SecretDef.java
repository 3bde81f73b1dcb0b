package io.trellis.stack.compose;

import java.util.Map;

/**
 * An entry of the top-level {@code secrets:}: its value from {@code file} (an absolute path, resolved against the
 * compose file that named it), or {@code external} (it must exist under {@code name}, default its key).
 */
public record SecretDef(String file, Boolean external, String name, Map<String, String> labels) {

    public SecretDef {
        labels = Maps.copyOrNull(labels);
    }
}
