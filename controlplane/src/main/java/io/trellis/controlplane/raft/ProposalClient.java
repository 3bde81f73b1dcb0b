package io.trellis.controlplane.raft;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.trellis.controlplane.store.Proposer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposes through Ratis's ordered async client pinned to the local server (no retry, so it never
 * follows a redirect to another leader) and translates its outcome into {@link Proposer} terms.
 *
 * <p>Ratis's ordered client remembers the first RPC-level failure in its sliding window and fails
 * every later request with it ({@code SlidingWindow.Client.fail}), so after such a failure the
 * client is dropped and the next proposal builds a fresh one.
 */
final class ProposalClient implements AutoCloseable {

    /** The state machine's reply to an entry and the log index the entry got. */
    record Applied(byte[] reply, long logIndex) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ProposalClient.class);

    private final String peerId;
    private final Supplier<RaftClient> factory;
    private RaftClient current; // guarded by this; null until first use and after a failure
    private boolean closed; // guarded by this

    private ProposalClient(String peerId, Supplier<RaftClient> factory) {
        this.peerId = peerId;
        this.factory = factory;
    }

    /** A client for {@code config}'s own peer. */
    static ProposalClient forSelf(RaftConfiguration config) {
        RaftGroup group = RatisSettings.group(config);
        RaftProperties properties = RatisSettings.properties(config);
        RaftPeerId self = RaftPeerId.valueOf(config.self().id());
        return new ProposalClient(config.self().id(), () -> RaftClient.newBuilder()
                .setRaftGroup(group)
                .setLeaderId(self)
                .setProperties(properties)
                .setParameters(RatisSettings.parameters(config))
                .setRetryPolicy(RetryPolicies.noRetry())
                .build());
    }

    /**
     * A client for a follower: it sends to the leader it is given (the group as this peer knows it
     * now, so membership changes are followed) and does not chase redirects; a stale leader fails
     * the proposal and the next one builds a fresh client aimed at the new leader.
     */
    static ProposalClient toLeader(RaftConfiguration config, Supplier<RaftGroup> group, Supplier<RaftPeerId> leader) {
        RaftProperties properties = RatisSettings.properties(config);
        return new ProposalClient(config.self().id(), () -> RaftClient.newBuilder()
                .setRaftGroup(group.get())
                .setLeaderId(leader.get())
                .setProperties(properties)
                .setParameters(RatisSettings.parameters(config))
                .setRetryPolicy(RetryPolicies.noRetry())
                .build());
    }

    /** Drops the client so the next proposal builds one for the current leader. */
    void reset() {
        RaftClient old;
        synchronized (this) {
            old = current;
            current = null;
        }
        if (old != null) {
            CompletableFuture.runAsync(() -> closeQuietly(old));
        }
    }

    /**
     * Sends one entry; the future completes with the apply reply, or exceptionally with
     * {@link Proposer.NotLeaderException} or an {@link IOException} saying what failed. May block
     * while the client's limit of proposals in flight is reached.
     */
    CompletableFuture<Applied> propose(byte[] entry) {
        RaftClient client;
        try {
            client = client();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        // Copied: the caller keeps ownership of its array and Ratis serialises it later, on another thread.
        Message message = Message.valueOf(ByteString.copyFrom(entry));
        return client.async().send(message).handle((reply, error) -> {
            if (error == null) {
                return new Applied(reply.getMessage().getContent().toByteArray(), reply.getLogIndex());
            }
            Throwable cause = unwrap(error);
            if (breaksClient(cause)) {
                discard(client);
            }
            throw new CompletionException(translate(cause));
        });
    }

    @Override
    public void close() {
        RaftClient client;
        synchronized (this) {
            closed = true;
            client = current;
            current = null;
        }
        closeQuietly(client);
    }

    private synchronized RaftClient client() throws IOException {
        if (closed) {
            throw new IOException("Raft peer " + peerId + " is closed and accepts no proposals.");
        }
        if (current == null) {
            current = factory.get();
        }
        return current;
    }

    private void discard(RaftClient failed) {
        synchronized (this) {
            if (current != failed) {
                return; // already replaced by an earlier failure of a pipelined request
            }
            current = null;
        }
        // Not inline: this runs on the client's Netty event loop, and closing its channel there blocks.
        CompletableFuture.runAsync(() -> closeQuietly(failed));
    }

    /**
     * Failures that happened on the RPC path (the server's NotLeader / LeaderNotReady answers arrive
     * this way too) poison the client; exceptions carried inside a server reply, such as a
     * StateMachineException, leave it usable.
     */
    private static boolean breaksClient(Throwable cause) {
        return !(cause instanceof RaftException)
                || cause instanceof NotLeaderException
                || cause instanceof ServerNotReadyException
                || cause instanceof AlreadyClosedException;
    }

    private Throwable translate(Throwable cause) {
        // Pipelined requests behind the one that failed get AlreadyClosedException with it as the cause.
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotLeaderException notLeader) {
                RaftPeer leader = notLeader.getSuggestedLeader();
                return notLeader(peerId, leader == null ? null : leader.getId().toString());
            }
            if (t instanceof ServerNotReadyException) { // includes LeaderNotReadyException
                return new Proposer.NotLeaderException("Raft peer " + peerId
                        + " is not ready to lead yet (just elected or starting); retry shortly.");
            }
        }
        return new IOException("Raft proposal through peer " + peerId + " failed: " + cause, cause);
    }

    static Proposer.NotLeaderException notLeader(String peerId, String leaderId) {
        return new Proposer.NotLeaderException("Raft peer " + peerId + " is not the leader (leader: "
                + (leaderId == null ? "unknown" : leaderId) + ").");
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void closeQuietly(RaftClient client) {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a Raft client failed", e);
        }
    }
}
