package io.trellis.admin;


/**
 * A reply body produced over time ({@code service logs --follow}). Runs on its own worker thread
 * after the status line and headers went out; returning ends the reply. An exception other than
 * the sink's cuts the connection, so the client sees a truncated reply rather than a clean end.
 */
@FunctionalInterface
public interface StreamingBody {
    void writeTo(ChunkSink sink) throws Exception;
}
