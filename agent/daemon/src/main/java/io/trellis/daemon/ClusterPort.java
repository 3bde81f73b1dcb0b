package io.trellis.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.controlplane.ca.Admission;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.daemon.cluster.ClusterRoutes;
import io.trellis.daemon.cluster.ClusterServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * A manager's cluster port (2377) and what answers on it: admission (join, certificate renewal,
 * data key), the dispatcher (heartbeats, assignments, task status) and the mutual-TLS server.
 */
final class ClusterPort implements AutoCloseable {
    private final Dispatcher dispatcher;
    /** What the routes answer from; gone once the port closed, so they say "not a manager (any more)". */
    private volatile ClusterRoutes.Backend local;
    private ClusterServer server;

    private ClusterPort(Dispatcher dispatcher, ClusterRoutes.Backend local) {
        this.dispatcher = dispatcher;
        this.local = local;
    }

    /** Opens {@code id}'s cluster address for {@code manager}; admission hands its data keys to joining managers. */
    static ClusterPort open(ControlPlane manager, SwarmIdentity id, NodeCredentials credentials,
                            Duration heartbeatPeriod, MeterRegistry metrics, Clock clock) throws IOException {
        Admission admission = new Admission(manager.store(), manager.writer(), manager::dataKeys, clock);
        Dispatcher dispatcher = new Dispatcher(manager.store(), manager.writer(), manager::isLeader, heartbeatPeriod,
                clock).start();
        ClusterPort port = new ClusterPort(dispatcher, new ClusterPortBackend(manager, admission, dispatcher,
                ClusterTrust.anyNode(credentials.tls().ca(), id.clusterId())));
        try {
            port.server = ClusterServer.start(id.managerAddr(), credentials.keys(), credentials.tls(),
                    new ClusterRoutes(() -> port.local, metrics), metrics);
        } catch (IOException | RuntimeException e) {
            dispatcher.close();
            throw e;
        }
        return port;
    }

    @Override
    public void close() {
        server.close();
        dispatcher.close();
        local = null;
    }
}
