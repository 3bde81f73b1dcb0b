package io.trellis.controlplane.store;

import java.util.concurrent.CompletableFuture;

/** Where state changes go to be replicated: completes with the reply of {@link ReplicatedState#apply}. */
public interface Proposer {

    /**
     * Proposes one entry. Completes with the apply reply once the entry is committed and applied on
     * this node, or exceptionally with {@link NotLeaderException} / an I/O failure.
     */
    CompletableFuture<byte[]> propose(byte[] entry);

    /** Thrown (as the cause) when this node cannot accept writes because it is not the leader. */
    final class NotLeaderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotLeaderException(String message) {
            super(message);
        }
    }
}
