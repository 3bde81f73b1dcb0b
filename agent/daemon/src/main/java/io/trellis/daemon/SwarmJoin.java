package io.trellis.daemon;

import io.trellis.api.Version;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.pki.TokenPinnedTrust;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.cluster.ClusterException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What a node asks of a swarm's managers to join it: admission (the manager's CA pinned to the join
 * token, a CSR sent with it) and, for a manager, a vote in the Raft group. A refusal reaches the user
 * as one admin API error.
 */
final class SwarmJoin {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    /** The leader stages a new voter until its log caught up: two Raft attempts of 20 s at most. */
    private static final Duration VOTER_TIMEOUT = Duration.ofSeconds(60);

    private SwarmJoin() {
    }

    /**
     * Asks the manager at {@code remote}, trusting only the CA whose digest is in {@code token}, to
     * admit this node in the role the token grants; the addresses are checked first.
     */
    static MembershipGrant join(String token, String remote, String advertiseAddr, String listenAddr,
                           AgentConfiguration cfg) {
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        NodeAddresses.manager(remote);
        String addr = NodeAddresses.advertise(advertiseAddr, cfg.advertiseAddr());
        String listen = NodeAddresses.listen(listenAddr, addr);
        String raftAddr = NodeAddresses.hostPort(addr, cfg.raftPort());
        KeyPair key = CertificateRequests.newKeyPair();
        ClusterClient anonymous = ClusterClient.anonymous(new TokenPinnedTrust(parsed));
        ClusterMessages.JoinResponse joined;
        try {
            joined = anonymous.post(remote, "/v1/join", new ClusterMessages.JoinRequest(parsed.toString(),
                    Pem.encode(CertificateRequests.create(key)), cfg.hostname(), addr, raftAddr, listen,
                    Version.current(), HostCapacity.read()), ClusterMessages.JoinResponse.class, JOIN_TIMEOUT);
        } catch (ClusterException e) {
            throw refused("joining the swarm failed", e);
        }
        boolean asManager = SwarmIdentity.MANAGER.equals(joined.role());
        List<String> managers = new ArrayList<>(joined.managers());
        if (asManager && !managers.contains(listen)) {
            managers.add(0, listen);
        }
        SwarmIdentity id = new SwarmIdentity(joined.clusterId(), joined.nodeId(), raftAddr, addr, joined.role(),
                asManager ? listen : null, managers);
        NodeTls tls = new NodeTls(key.getPrivate(), Pem.certificate(joined.certificate()),
                Pem.certificate(joined.ca()));
        return asManager
                ? new MembershipGrant(id, tls, KeyRing.decode(Base64.getDecoder().decode(joined.dataKey())),
                        joined.unlockKey())
                : new MembershipGrant(id, tls, null, null);
    }

    /** Asks the managers ({@code via} first) to make this joining or promoted manager a Raft voter. */
    static void becomeVoter(ClusterClient member, SwarmIdentity id, String via) {
        List<String> tries = new ArrayList<>(List.of(via));
        id.managers().stream().filter(a -> !a.equals(via) && !a.equals(id.managerAddr())).forEach(tries::add);
        ClusterException last = null;
        for (String to : tries) {
            try {
                member.post(to, "/v1/raft/members", new ClusterMessages.RaftJoinRequest(id.raftAddress()),
                        Map.class, VOTER_TIMEOUT);
                return;
            } catch (ClusterException e) {
                last = e;
            }
        }
        throw refused("becoming a Raft member failed", last);
    }

    /** {@code what} failed because a manager refused ({@code e}), or (null) there was none to ask. */
    private static ApiException refused(String what, ClusterException e) {
        if (e == null) {
            return new ApiException(ApiException.Kind.UNAVAILABLE, what + ": no manager to ask");
        }
        ApiException.Kind kind = switch (e.status()) {
            case 0 -> ApiException.Kind.UNAVAILABLE;
            case 400 -> ApiException.Kind.INVALID;
            case 401 -> ApiException.Kind.UNAUTHORIZED;
            case 403 -> ApiException.Kind.FORBIDDEN;
            case 409 -> ApiException.Kind.CONFLICT;
            default -> ApiException.Kind.UNAVAILABLE;
        };
        return new ApiException(kind, what + ": " + e.getMessage());
    }
}
