package io.trellis.dataplane.model;

import java.util.List;

/**
 * A service's virtual IP on one network, as the control plane publishes it: connections to
 * {@code vip} (any port) are spread over {@code backends} by the sending node's switch.
 *
 * @param vip      the virtual address, in the network's subnet; its MAC is {@link EndpointAddress#macOf}
 * @param backends the service's running tasks on this network; empty means connections are refused
 */
public record VipService(String serviceId, String serviceName, String networkId, int vip, List<VipBackend> backends) {

    public VipService {
        backends = List.copyOf(backends);
    }
}
