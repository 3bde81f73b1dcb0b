package io.trellis.admin;

import java.io.IOException;

/** Where a {@link StreamingBody} writes: each call sends one HTTP chunk. */
@FunctionalInterface
public interface ChunkSink {

    /**
     * Sends {@code chunk} and returns once it reached the socket, so a slow reader slows the writer
     * down instead of filling the agent's heap. The array may be reused after this returns.
     *
     * @throws IOException once the client has gone away: stop producing then
     */
    void write(byte[] chunk) throws IOException;

    /**
     * Whether the client is still there. A follower with nothing to send checks this between polls, since
     * only a write would otherwise notice the client left.
     */
    default boolean open() {
        return true;
    }
}
