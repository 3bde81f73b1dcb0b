package io.trellis.stack.compose;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-tolerant, order-keeping copies for the model's records (values may be null: an unset variable). */
final class Maps {
    private Maps() {
    }

    static <K, V> Map<K, V> copy(Map<K, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** {@code null} stays null: "not given", which a merge tells from "given empty". */
    static <K, V> Map<K, V> copyOrNull(Map<K, V> m) {
        return m == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    static <T> List<T> copyOrNull(List<T> l) {
        return l == null ? null : Collections.unmodifiableList(new ArrayList<>(l));
    }
}
