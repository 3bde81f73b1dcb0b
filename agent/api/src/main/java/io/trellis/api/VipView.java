package io.trellis.api;

import java.util.List;

/**
 * One VIP of this node's load-balancing tables, as {@code vip ls} shows it (like a virtual
 * service of {@code ipvsadm -Ln}). A VIP balances every protocol and port of its address, as
 * Swarm's firewall-mark services do.
 *
 * <p>A published port is listed the same way: {@code vip} is {@code *:PORT}, {@code protocol} TCP or UDP,
 * {@code mode} ingress or host, and the backends are the tasks it relays to at their target port.
 *
 * @param algorithm   the scheduler, the service's {@code --lb-algorithm}: {@code rr}, {@code least-conn} or
 *                    {@code maglev}
 * @param protocol    {@code ANY} for a VIP, {@code TCP} or {@code UDP} for a published port
 * @param mode        {@code vip}, {@code ingress} or {@code host}
 * @param connections connections (TCP) or flows (UDP) a published port accepted since it listens
 * @param bytes       octets both ways through a published port
 * @param error       why a published port does not listen on this node, or null
 * @param balancer    what balances it on this node: {@code userspace} (the switch or the relay) or {@code ipvs}
 *                    (the kernel; the figures are read back from it)
 */
public record VipView(String network, String service, String vip, String algorithm, List<Backend> backends,
                      String protocol, String mode, long connections, long bytes, String error, String balancer) {
    public static final String USERSPACE = "userspace";
    public static final String IPVS = "ipvs";

    public VipView {
        backends = backends == null ? List.of() : List.copyOf(backends);
        protocol = protocol == null ? "ANY" : protocol;
        mode = mode == null ? "vip" : mode;
        balancer = balancer == null ? USERSPACE : balancer;
    }

    public VipView(String network, String service, String vip, String algorithm, List<Backend> backends,
                   String protocol, String mode, long connections, long bytes, String error) {
        this(network, service, vip, algorithm, backends, protocol, mode, connections, bytes, error, USERSPACE);
    }

    public VipView(String network, String service, String vip, String algorithm, List<Backend> backends) {
        this(network, service, vip, algorithm, backends, "ANY", "vip", 0, 0, null);
    }

    /**
     * A backend task and what this node's tables did with it.
     *
     * @param active   TCP connections established through this node
     * @param inactive other tracked flows (TCP opening or closing, UDP, ICMP)
     * @param packets  packets both ways through this node's translation
     * @param bytes    octets both ways
     */
    public record Backend(String task, String node, String address, String state, long active, long inactive,
                          long packets, long bytes) {
    }
}
