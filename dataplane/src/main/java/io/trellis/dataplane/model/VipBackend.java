package io.trellis.dataplane.model;

/**
 * One task behind a {@link VipService}: reachable like any endpoint of the network, at
 * {@code ipv4} with MAC {@link EndpointAddress#macOf}.
 *
 * @param node a label for listings only (the node's name or ID); forwarding uses the network's FDB
 */
public record VipBackend(String taskId, String node, int ipv4) {
}
