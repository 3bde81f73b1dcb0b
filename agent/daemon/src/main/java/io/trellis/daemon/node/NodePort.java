package io.trellis.daemon.node;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.trellis.admin.AdminServer;
import io.trellis.admin.ListenerLimits;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's port for its managers (TCP 7946 by default, Swarm's node-to-node port): {@code trellis exec}
 * and task logs, served by the node that runs the task and relayed by the manager the user asked. Mutual
 * TLS with the node's certificate; a client must present a manager certificate of this swarm.
 */
public final class NodePort implements AutoCloseable {
    public static final int DEFAULT_PORT = 7946;
    private static final Logger LOG = LoggerFactory.getLogger(NodePort.class);

    private final AdminServer server;

    private NodePort(AdminServer server) {
        this.server = server;
    }

    /**
     * @param keys presents this node's current certificate (renewals apply to new connections)
     * @param tls  the node's certificate and CA, read for its cluster ID and root
     */
    public static NodePort open(String listenAddr, KeyManager keys, Supplier<NodeTls> tls, TaskRuntime runtime,
                                TaskDirectory dirs) throws IOException {
        NodeTls now = tls.get();
        Supplier<ClusterTrust> managers = () -> ClusterTrust.managers(tls.get().ca(),
                tls.get().identity().clusterId());
        SslContext context = SslContextBuilder.forServer(keys)
                .trustManager(ClusterTrust.managers(now.ca(), now.identity().clusterId()))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(NodeTls.PROTOCOL)
                .sslProvider(SslProvider.JDK)
                .build();
        AdminServer s = AdminServer.startTls(listenAddr, new NodeRoutes(runtime, dirs, managers).router(), context,
                ListenerLimits.DEFAULT, refusal -> LOG.warn("refused a connection on the node port: {}",
                        refusal.message()));
        LOG.info("node port listening on {} (mutual TLS, managers only)", listenAddr);
        return new NodePort(s);
    }

    @Override
    public void close() {
        server.close();
    }
}
