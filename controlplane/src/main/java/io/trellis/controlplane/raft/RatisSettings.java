package io.trellis.controlplane.raft;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Translates a {@link RaftConfiguration} into Ratis's terms: its group and its string-keyed properties. */
final class RatisSettings {

    /**
     * The leader's pause before it sends to a follower again after an error reply, as "sleep,count"
     * tiers (Ratis {@code raft.server.log.appender.retry.policy}). Ratis counts every INCONSISTENCY
     * reply as an error, and a restarted old leader gives one for each entry only it has (appended,
     * never committed): Raft walks back over them one index per round trip. Ratis's default
     * ("1ms,10, 1s,20, 5s,1000") turns a 40-entry suffix into more than a minute during which that
     * manager applies nothing. Here 20 such entries cost nothing and 300 about 30 s. The price is
     * paid while a follower is down: each failed send costs the leader some milliseconds of CPU, so
     * the 100 ms tier keeps about a tenth of a core busy for its 30 s (Ratis's default: a twentieth),
     * and no tier is shorter.
     */
    static final String APPENDER_RETRY_POLICY = "1ms,20, 100ms,300, 1s,20, 5s,1000";

    private RatisSettings() {
    }

    static RaftGroup group(RaftConfiguration config) {
        return RaftGroup.valueOf(RaftGroupId.valueOf(config.groupId()), peers(config.peers()));
    }

    /** A joining peer starts with no members: the leader's configuration change brings it in. */
    static RaftGroup startingGroup(RaftConfiguration config) {
        return config.joining() ? RaftGroup.valueOf(RaftGroupId.valueOf(config.groupId())) : group(config);
    }

    static List<RaftPeer> peers(List<RaftConfiguration.Peer> peers) {
        return peers.stream().map(RatisSettings::peer).toList();
    }

    static RaftPeer peer(RaftConfiguration.Peer p) {
        return RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build();
    }

    /**
     * The TLS side of the gRPC transport: the same mutual-TLS settings for the server, the clients
     * peers use to reach each other, and the clients that propose and change membership.
     */
    static Parameters parameters(RaftConfiguration config) {
        Parameters parameters = new Parameters();
        config.tls().ifPresent(tls -> {
            GrpcTlsConfig grpc = new GrpcTlsConfig(tls.keyManager(), tls.trustManager(), true);
            GrpcConfigKeys.Server.setTlsConf(parameters, grpc);
            GrpcConfigKeys.Client.setTlsConf(parameters, grpc);
            GrpcConfigKeys.Admin.setTlsConf(parameters, grpc);
        });
        return parameters;
    }

    /** Properties for the server and the proposal client alike. */
    static RaftProperties properties(RaftConfiguration config) {
        RaftProperties p = new RaftProperties();
        // gRPC, not Netty RPC: Ratis 3.3's Netty RPC has no TLS, and every peer link must be mTLS.
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, RaftConfiguration.parseHost(config.self().address()));
        GrpcConfigKeys.Server.setPort(p, RaftConfiguration.parsePort(config.self().address(), "address"));

        RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(config.electionTimeoutMin().toMillis()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(config.electionTimeoutMax().toMillis()));

        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);

        // fsync stays on (Log.UNSAFE_FLUSH / ASYNC_FLUSH default to false): an acknowledged entry survives kill -9.
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(config.logSegmentSize()));

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThreshold());
        // Without a retention count Ratis keeps every snapshot file forever.
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, config.snapshotsRetained());
        // Ratis snapshots on close by default. Off: close stays fast whatever the state size, and a
        // clean stop recovers exactly like kill -9 (snapshot + log replay), so that path is always exercised.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);

        RaftClientConfigKeys.Rpc.setRequestTimeout(p, duration(config.requestTimeout().toMillis()));
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, config.proposalsInFlightMax());
        // The dummy request is a watch sent to "the leader" when the async client is created; on a
        // follower it fails with NotLeaderException and, with our no-retry policy, poisons the client.
        RaftClientConfigKeys.Async.Experimental.setSendDummyRequest(p, false);
        return p;
    }

    private static TimeDuration duration(long millis) {
        return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
    }
}
