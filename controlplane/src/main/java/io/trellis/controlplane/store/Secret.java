package io.trellis.controlplane.store;

import java.util.Arrays;
import java.util.Map;

/**
 * A secret as stored ({@code secret create}): a name and the value, which Docker calls {@code Data}.
 * The replicated log and its snapshots are sealed at rest, so the value is kept as is; it leaves the
 * managers only in the assignments of a node that runs a task using it. Secrets are never updated:
 * a new value is a new secret, as in Docker.
 *
 * @param labels optional {@code --label} values
 */
public record Secret(String id, String name, Map<String, String> labels, long createdAt, long updatedAt,
                     byte[] data) {

    public Secret {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        data = data == null ? new byte[0] : data.clone();
    }

    /** A copy: the stored value must not change under the snapshot that holds it. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && id.equals(s.id) && name.equals(s.name) && labels.equals(s.labels)
                && createdAt == s.createdAt && updatedAt == s.updatedAt && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** Never the value: this string may reach a log. */
    @Override
    public String toString() {
        return "Secret[" + id + " " + name + ", " + data.length + " bytes]";
    }
}
