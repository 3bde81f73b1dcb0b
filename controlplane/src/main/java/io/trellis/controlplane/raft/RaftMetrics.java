package io.trellis.controlplane.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;

/**
 * The replica's Micrometer meters, named {@code trellis.raft.*} ({@code trellis_raft_*} in
 * Prometheus). Ratis's own Dropwizard metrics stay inside Ratis and are not exported.
 *
 * <p>Removed from the registry on {@link #close()}: Micrometer returns the existing gauge when one
 * with the same name is registered again, so a replica restarted in the same process would
 * otherwise keep reporting the closed one.
 */
final class RaftMetrics implements AutoCloseable {

    private static final String PREFIX = "trellis.raft.";
    private static final List<RaftPeerRole> ROLES =
            List.of(RaftPeerRole.LEADER, RaftPeerRole.FOLLOWER, RaftPeerRole.CANDIDATE, RaftPeerRole.LISTENER);

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer applyLatency;
    private final Counter proposalsOk;
    private final Counter proposalsError;

    RaftMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.applyLatency = add(Timer.builder(PREFIX + "apply")
                .description("Time to apply one committed entry to the replicated state")
                .register(registry));
        this.proposalsOk = add(proposals("ok"));
        this.proposalsError = add(proposals("error"));
    }

    /** Registers the gauges that read {@code replica}; called once it has started. */
    void bind(RaftReplica replica) {
        gauge("term", "Current Raft term", replica, RaftReplica::term);
        gauge("commit.index", "Highest log index known to be committed", replica, RaftReplica::commitIndex);
        gauge("applied.index", "Highest log index applied to the state", replica, RaftReplica::appliedIndex);
        gauge("leader", "1 when this peer is the leader", replica, r -> r.isLeader() ? 1 : 0);
        for (RaftPeerRole role : ROLES) {
            add(Gauge.builder(PREFIX + "role", replica, r -> r.role() == role ? 1 : 0)
                    .description("1 for the role this peer currently has")
                    .tag("role", role.name().toLowerCase(Locale.ROOT))
                    .strongReference(true)
                    .register(registry));
        }
    }

    Timer applyLatency() {
        return applyLatency;
    }

    void proposalCompleted(boolean ok) {
        (ok ? proposalsOk : proposalsError).increment();
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private Counter proposals(String result) {
        return Counter.builder(PREFIX + "proposals")
                .description("Entries proposed through this peer, by outcome")
                .tag("result", result)
                .register(registry);
    }

    private void gauge(String name, String description, RaftReplica replica, ToDoubleFunction<RaftReplica> value) {
        // Strong reference: the gauge lives exactly as long as the replica (removed on close).
        add(Gauge.builder(PREFIX + name, replica, value).description(description).strongReference(true)
                .register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }
}
