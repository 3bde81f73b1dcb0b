package io.trellis.api;

import java.util.List;

/**
 * One VIP of this node's load-balancing tables, as {@code vip ls} shows it (like a virtual
 * service of {@code ipvsadm -Ln}). A VIP balances every protocol and port of its address, as
 * Swarm's firewall-mark services do.
 *
 * @param algorithm the scheduler, {@code rr}
 */
public record VipView(String network, String service, String vip, String algorithm, List<Backend> backends) {

    public VipView {
        backends = backends == null ? List.of() : List.copyOf(backends);
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
