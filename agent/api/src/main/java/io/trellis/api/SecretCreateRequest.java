package io.trellis.api;

import java.util.List;

/**
 * Body of {@code POST /secrets} ({@code secret create}).
 *
 * @param data   the value, base64
 * @param labels {@code KEY=VALUE} or {@code KEY}
 */
public record SecretCreateRequest(String name, String data, List<String> labels) {

    public SecretCreateRequest {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** The value stays out: this string may reach a log. */
    @Override
    public String toString() {
        return "SecretCreateRequest[" + name + "]";
    }
}
