package io.trellis.dataplane.model;

/**
 * A task's attachment to an overlay network, as the control plane publishes it.
 *
 * @param id        endpoint (task) ID
 * @param ipv4      the endpoint's overlay address
 * @param mac       its MAC address (derived from the IP by the allocator)
 * @param vtep      underlay IPv4 address of the node that hosts it
 */
public record EndpointInfo(String id, String networkId, int ipv4, long mac, int vtep) {
}
