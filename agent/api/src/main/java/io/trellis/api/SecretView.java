package io.trellis.api;

import java.util.Map;

/**
 * A secret as {@code secret ls} and {@code secret inspect} show it: never its value.
 *
 * @param size    the value's length in bytes
 * @param created epoch ms
 * @param updated epoch ms
 */
public record SecretView(String id, String name, Map<String, String> labels, int size, long created, long updated) {
}
