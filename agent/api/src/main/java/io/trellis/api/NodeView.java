package io.trellis.api;

import java.util.Map;

/** A node as {@code node ls} and {@code node inspect} show it. */
public record NodeView(String id, String hostname, boolean self, String role, String status, String availability,
                       String managerStatus, String engineVersion, String address, Map<String, String> labels,
                       long createdAt, long updatedAt) {
}
