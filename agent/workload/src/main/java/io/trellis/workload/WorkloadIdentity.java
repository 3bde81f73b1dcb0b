package io.trellis.workload;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Who a workload is, from the environment the executor gives every task. A value the executor did
 * not set is empty; the node falls back to the local hostname.
 */
public record WorkloadIdentity(String taskName, String taskId, String serviceName, String nodeHostname) {
    public static final String TASK_NAME_ENV = "TRELLIS_TASK_NAME";
    public static final String TASK_ID_ENV = "TRELLIS_TASK_ID";
    public static final String SERVICE_NAME_ENV = "TRELLIS_SERVICE_NAME";
    public static final String NODE_HOSTNAME_ENV = "TRELLIS_NODE_HOSTNAME";

    public static WorkloadIdentity fromEnvironment(Map<String, String> env) {
        String node = env.get(NODE_HOSTNAME_ENV);
        return new WorkloadIdentity(env.getOrDefault(TASK_NAME_ENV, ""), env.getOrDefault(TASK_ID_ENV, ""),
                env.getOrDefault(SERVICE_NAME_ENV, ""), node == null || node.isEmpty() ? localHostname() : node);
    }

    /**
     * The UTS hostname, read from procfs rather than {@code InetAddress.getLocalHost()}, which
     * resolves the name and can stall for seconds in a namespace without a resolver.
     */
    private static String localHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return InetAddress.getLoopbackAddress().getHostName();
        }
    }
}
