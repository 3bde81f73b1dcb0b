package io.trellis.controlplane.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Encodes batches for the {@link Proposer} and decodes what they produced. */
public final class StoreWriter {
    public static final Duration TIMEOUT_DEFAULT = Duration.ofSeconds(15);

    private final Proposer proposer;

    public StoreWriter(Proposer proposer) {
        this.proposer = proposer;
    }

    public CompletableFuture<StoreReply> submitAsync(StoreBatch batch) {
        return proposer.propose(StoreCodec.encode(batch)).thenApply(StoreCodec::decodeReply);
    }

    /**
     * Submits and waits until the batch is applied here, so a following {@code view()} sees it.
     *
     * @throws Proposer.NotLeaderException when this node cannot take writes
     * @throws StoreUnavailableException   when the log did not answer in time or failed
     */
    public StoreReply submit(StoreBatch batch) {
        try {
            return submitAsync(batch).get(TIMEOUT_DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the cluster store", e);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the cluster store did not commit the change within "
                    + TIMEOUT_DEFAULT.toSeconds() + " s (no quorum?)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Proposer.NotLeaderException nle) {
                throw nle;
            }
            throw new StoreUnavailableException("the cluster store failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The replicated log could not take or confirm a write. */
    public static final class StoreUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
