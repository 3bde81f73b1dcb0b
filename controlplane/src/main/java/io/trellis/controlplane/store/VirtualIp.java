package io.trellis.controlplane.store;

/** A service's virtual IP on one of its networks (endpoint mode {@code vip}), dotted IPv4. */
public record VirtualIp(String networkId, String address) {
}
