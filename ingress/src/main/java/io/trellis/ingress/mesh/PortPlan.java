package io.trellis.ingress.mesh;

import io.trellis.dataplane.balance.Backend;
import io.trellis.ingress.proxy.ProxyProtocol;
import java.util.List;

/**
 * One published port as this node should serve it.
 *
 * @param port          the published port
 * @param udp           UDP rather than TCP
 * @param serviceId     the service that publishes it
 * @param serviceName   its name, for {@code vip ls} and metrics
 * @param mode          {@code ingress} or {@code host}
 * @param algorithm     {@code rr}, {@code least-conn} or {@code maglev}
 * @param proxyProtocol the PROXY header each backend connection starts with (TCP)
 * @param backends      the tasks to relay to, at their address and target port
 */
public record PortPlan(int port, boolean udp, String serviceId, String serviceName, String mode, String algorithm,
                       ProxyProtocol proxyProtocol, List<Backend> backends) {
    public PortPlan {
        backends = List.copyOf(backends);
    }

    /** What identifies the listener on a node: the port and protocol. */
    public String key() {
        return port + (udp ? "/udp" : "/tcp");
    }

    /** Whether a listener made for {@code other} can serve this plan by changing only its backends. */
    boolean sameListener(PortPlan other) {
        return port == other.port && udp == other.udp && serviceId.equals(other.serviceId)
                && algorithm.equals(other.algorithm) && proxyProtocol == other.proxyProtocol;
    }
}
