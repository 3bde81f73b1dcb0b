package io.trellis.api;

/**
 * An address on one overlay network, by the network's name: a service's VIP or a task's
 * attachment.
 */
public record NetworkAddress(String network, String address) {
}
