package io.trellis.controlplane.api;

import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;

/** One batch through the log, with the store's refusal turned into an {@link ApiException}. */
final class ApiCommits {
    private ApiCommits() {
    }

    static void commit(StoreWriter writer, StoreBatch batch) {
        StoreReply reply;
        try {
            reply = writer.submit(batch);
        } catch (Proposer.NotLeaderException e) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not the leader: " + e.getMessage());
        } catch (StoreWriter.StoreUnavailableException e) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, e.getMessage());
        }
        if (!reply.ok()) {
            throw new ApiException(ApiException.Kind.CONFLICT, reply.error());
        }
    }
}
