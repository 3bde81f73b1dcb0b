package io.trellis.api;


/**
 * What {@code GET /info} says about this agent.
 *
 * @param swarm "inactive" before {@code swarm init}, "starting" while a restarted agent restores its store, else "active"
 */
public record InfoView(String swarm, String nodeId, String clusterId, String hostname, boolean manager,
                       boolean leader, String version, String runtime) {
}
