package io.trellis.dataplane.lb;

/** One backend's line of a {@link VipStats}; see there for what each figure means. */
public record BackendStats(String taskId, String node, int ipv4, long activeConnections, long inactiveConnections,
                           long packets, long bytes) {
}
