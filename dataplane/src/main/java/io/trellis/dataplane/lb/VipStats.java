package io.trellis.dataplane.lb;

import java.util.List;

/**
 * One VIP as {@code trellis vip ls} shows it, like {@code ipvsadm -Ln --stats}: per backend, the
 * connections this node balanced to it and the traffic through this node's NAT. Everything is
 * this node's view: DNAT happens in the client's switch, so each node counts only the flows of its
 * own clients, and a cluster-wide figure is the sum over nodes.
 *
 * <ul>
 * <li>{@code activeConnections}: live TCP entries past the handshake (the backend answered the
 *     SYN) with no FIN or RST seen yet.</li>
 * <li>{@code inactiveConnections}: every other live entry — TCP half-open or closing, UDP flows,
 *     ICMP echo flows. An entry is live until its idle timeout ({@link ConntrackSettings}).</li>
 * <li>{@code packets}, {@code bytes}: IPv4 packets (a TSO frame counts once) and their bytes,
 *     headers included, in both directions: client → backend when translated here, backend →
 *     client when translated back here. They count since the backend joined the VIP on this node
 *     and survive table rebuilds; they restart if the task leaves the VIP and joins again.</li>
 * </ul>
 *
 * @param algorithm how new flows pick their backend: {@code rr}, {@code least-conn} or {@code maglev}
 */
public record VipStats(String networkId, String serviceName, int vip, String algorithm, List<BackendStats> backends) {

    public VipStats {
        backends = List.copyOf(backends);
    }
}
