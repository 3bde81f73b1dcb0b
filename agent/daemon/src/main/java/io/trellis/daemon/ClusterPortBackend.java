package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.ca.Admission;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.store.Node;
import io.trellis.daemon.cluster.ClusterRoutes;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the cluster port's routes need from the manager this node runs. */
final class ClusterPortBackend implements ClusterRoutes.Backend {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPortBackend.class);

    private final ControlPlane manager;
    private final Admission admission;
    private final Dispatcher dispatcher;
    private final ClusterTrust trust;

    ClusterPortBackend(ControlPlane manager, Admission admission, Dispatcher dispatcher, ClusterTrust trust) {
        this.manager = manager;
        this.admission = admission;
        this.dispatcher = dispatcher;
        this.trust = trust;
    }

    @Override
    public Admission admission() {
        return admission;
    }

    @Override
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public ClusterTrust trust() {
        return trust;
    }

    @Override
    public void addRaftMember(String nodeId, String raftAddr) throws IOException {
        Node n = manager.store().view().nodes().get(nodeId);
        if (n == null || n.role() != Node.Role.MANAGER) {
            throw new ApiException(ApiException.Kind.FORBIDDEN, "node " + nodeId + " is not a manager");
        }
        manager.addRaftMember(new RaftConfiguration.Peer(nodeId, raftAddr));
        LOG.info("node {} ({}) is now a Raft member at {}", n.hostname(), nodeId, raftAddr);
    }

    @Override
    public Optional<String> leaderAddress() {
        return manager.leaderId().map(id -> manager.store().view().nodes().get(id)).map(Node::managerAddr);
    }

    @Override
    public Optional<Node> node(String nodeId) {
        return Optional.ofNullable(manager.store().view().nodes().get(nodeId));
    }
}
