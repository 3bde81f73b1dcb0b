package io.trellis.agent.api;

import io.trellis.controlplane.store.Node;
import java.util.Map;

/** A node as {@code node ls} and {@code node inspect} show it. */
public record NodeView(String id, String hostname, boolean self, String role, String status, String availability,
                       String managerStatus, String engineVersion, String address, Map<String, String> labels,
                       long createdAt, long updatedAt) {

    /**
     * @param reachable   Raft members the answering manager heard from recently
     * @param leaderView  true when the answering manager leads: it hears from every member, so
     *                    {@code reachable} is complete; a follower hears only from the leader, so for
     *                    the other managers it goes by their heartbeat status
     */
    public static NodeView of(Node n, String selfId, String leaderId, java.util.Set<String> reachable,
                              boolean leaderView) {
        boolean up = reachable.contains(n.id()) || !leaderView && n.status() == Node.Status.READY;
        String managerStatus = n.role() != Node.Role.MANAGER ? ""
                : n.id().equals(leaderId) ? "Leader" : up ? "Reachable" : "Unreachable";
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
