package io.trellis.agent.api;

import io.trellis.controlplane.store.Node;
import java.util.Map;

/** A node as {@code node ls} and {@code node inspect} show it. */
public record NodeView(String id, String hostname, boolean self, String role, String status, String availability,
                       String managerStatus, String engineVersion, String address, Map<String, String> labels,
                       long createdAt, long updatedAt) {

    public static NodeView of(Node n, String selfId, String leaderId) {
        String managerStatus = n.role() != Node.Role.MANAGER ? ""
                : n.id().equals(leaderId) ? "Leader" : n.status() == Node.Status.READY ? "Reachable" : "Unreachable";
        return new NodeView(n.id(), n.hostname(), n.id().equals(selfId), lower(n.role()), capital(n.status()),
                capital(n.availability()), managerStatus, n.engineVersion(), n.address(), n.labels(),
                n.createdAt(), n.updatedAt());
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String capital(Enum<?> e) {
        String s = lower(e);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
