package io.trellis.daemon.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.trellis.admin.AdminServer;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeTls;
import java.io.IOException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's cluster port (2377): HTTPS presenting this node's certificate and the root CA (so
 * a joining node can pin it), asking every client for a certificate of this cluster but not
 * requiring one, because a joining node has none yet: the routes decide who needs what.
 */
public final class ClusterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterServer.class);

    private final AdminServer server;

    private ClusterServer(AdminServer server) {
        this.server = server;
    }

    /** @param keys presents this node's current certificate (renewals apply to new connections) */
    public static ClusterServer start(String listenAddr, KeyManager keys, NodeTls tls, ClusterRoutes routes,
                                      MeterRegistry metrics) throws IOException {
        Counter handshakes = Counter.builder("trellis.cluster.refused")
                .description("Requests on the cluster port refused, by route and reason")
                .tag("route", "tls").tag("reason", "handshake")
                .register(metrics);
        AdminServer s = AdminServer.startTls(listenAddr, routes.router(), context(keys, tls), reason -> {
            handshakes.increment();
            LOG.warn("refused connection: {}", reason);
        });
        LOG.info("cluster API listening on {} (mutual TLS)", listenAddr);
        return new ClusterServer(s);
    }

    static SslContext context(KeyManager keys, NodeTls tls) throws SSLException {
        return SslContextBuilder.forServer(keys)
                .trustManager(ClusterTrust.anyNode(tls.ca(), tls.identity().clusterId()))
                .clientAuth(ClientAuth.OPTIONAL)
                .protocols(NodeTls.PROTOCOL)
                .sslProvider(SslProvider.JDK)
                .build();
    }

    @Override
    public void close() {
        server.close();
    }
}
