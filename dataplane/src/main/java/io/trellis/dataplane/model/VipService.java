package io.trellis.dataplane.model;

import io.trellis.dataplane.balance.BalancerFactory;
import java.util.List;

/**
 * A service's virtual IP on one network, as the control plane publishes it: connections to
 * {@code vip} (any port) are spread over {@code backends} by the sending node's switch.
 *
 * @param vip       the virtual address, in the network's subnet; its MAC is {@link EndpointAddress#macOf}
 * @param backends  the service's running tasks on this network; empty means connections are refused
 * @param algorithm how a new flow picks its backend: {@code rr}, {@code least-conn} or {@code maglev}
 *                  (the service's {@code --lb-algorithm}, as for its published ports)
 */
public record VipService(String serviceId, String serviceName, String networkId, int vip, List<VipBackend> backends,
                         String algorithm) {
    /** The algorithm of a service that names none. */
    public static final String DEFAULT_ALGORITHM = "rr";

    public VipService {
        backends = List.copyOf(backends);
        BalancerFactory.checkName(algorithm);
    }

    /** A VIP balanced round robin. */
    public VipService(String serviceId, String serviceName, String networkId, int vip, List<VipBackend> backends) {
        this(serviceId, serviceName, networkId, vip, backends, DEFAULT_ALGORITHM);
    }
}
