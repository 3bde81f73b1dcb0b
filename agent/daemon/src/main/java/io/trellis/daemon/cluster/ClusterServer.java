package io.trellis.daemon.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.trellis.admin.AdminServer;
import io.trellis.admin.ListenerLimits;
import io.trellis.admin.Refusal;
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
 * requiring one, because a joining node has none yet: the routes decide who needs what. Since
 * anyone may connect, connections without a certificate are bounded ({@link ListenerLimits}): a
 * handshake timeout, an idle timeout, caps per source address and in total, and a small body.
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
        return start(listenAddr, keys, tls, routes, metrics, ListenerLimits.DEFAULT);
    }

    public static ClusterServer start(String listenAddr, KeyManager keys, NodeTls tls, ClusterRoutes routes,
                                      MeterRegistry metrics, ListenerLimits limits) throws IOException {
        Counter handshakes = refused(metrics, "handshake");
        Counter overLimit = refused(metrics, "connection-limit");
        AdminServer s = AdminServer.startTls(listenAddr, routes.router(), context(keys, tls), limits, refusal -> {
            if (refusal.kind() == Refusal.Kind.HANDSHAKE) {
                handshakes.increment();
                LOG.warn("refused connection: {}", refusal.message());
            } else {
                // A flood would make one line per connection; the counter shows it instead.
                overLimit.increment();
                LOG.debug("refused connection: {}", refusal.message());
            }
        });
        LOG.info("cluster API listening on {} (mutual TLS)", listenAddr);
        return new ClusterServer(s);
    }

    private static Counter refused(MeterRegistry metrics, String reason) {
        return Counter.builder("trellis.cluster.refused")
                .description("Requests on the cluster port refused, by route and reason")
                .tag("route", "tls").tag("reason", reason)
                .register(metrics);
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
