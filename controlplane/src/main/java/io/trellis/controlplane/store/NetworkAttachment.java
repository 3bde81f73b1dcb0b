package io.trellis.controlplane.store;

/**
 * A task's address on one network, given by the allocator when the task is created. Its MAC is
 * derived from the address ({@code 02:42} + the four bytes), so it is not stored.
 *
 * @param address dotted IPv4, inside the network's subnet
 */
public record NetworkAttachment(String networkId, String address) {
}
