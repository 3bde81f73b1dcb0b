package io.trellis.api;

import java.util.List;
import java.util.Map;

/**
 * A node as {@code node ls} and {@code node inspect} show it.
 *
 * @param resources the CPUs and memory it reported, or null when it never did
 */
public record NodeView(String id, String hostname, boolean self, String role, String status, String availability,
                       String managerStatus, String engineVersion, String address, Map<String, String> labels,
                       long createdAt, long updatedAt, Resources resources, List<String> runtimes) {

    public NodeView(String id, String hostname, boolean self, String role, String status, String availability,
                    String managerStatus, String engineVersion, String address, Map<String, String> labels,
                    long createdAt, long updatedAt, Resources resources) {
        this(id, hostname, self, role, status, availability, managerStatus, engineVersion, address, labels,
                createdAt, updatedAt, resources, null);
    }

    public NodeView(String id, String hostname, boolean self, String role, String status, String availability,
                    String managerStatus, String engineVersion, String address, Map<String, String> labels,
                    long createdAt, long updatedAt) {
        this(id, hostname, self, role, status, availability, managerStatus, engineVersion, address, labels,
                createdAt, updatedAt, null);
    }

    /** What the node offers its tasks (Docker's {@code Description.Resources}). */
    public record Resources(long nanoCpus, long memoryBytes) {
    }
}
