package io.trellis.controlplane.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** JSON encoding of log entries, replies and snapshots. One place, so the format is easy to evolve. */
public final class StoreCodec {
    // Its own mapper, not the admin API's (agent/api Json, which this module cannot see anyway): log
    // entries and snapshots are a format on disk and between replicas, and must not change when the
    // API's presentation does. Unknown fields are tolerated so a newer peer's entries do not stop an
    // older replica.
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StoreCodec() {
    }

    public static byte[] encode(StoreBatch batch) {
        return write(batch);
    }

    public static StoreBatch decodeBatch(byte[] entry) throws IOException {
        return JSON.readValue(entry, StoreBatch.class);
    }

    public static byte[] encode(StoreReply reply) {
        return write(reply);
    }

    public static StoreReply decodeReply(byte[] reply) {
        try {
            return JSON.readValue(reply, StoreReply.class);
        } catch (IOException e) {
            throw new UncheckedIOException("undecodable store reply", e);
        }
    }

    static void writeSnapshot(ClusterSnapshot s, OutputStream out) throws IOException {
        JSON.writeValue(out, s);
    }

    static ClusterSnapshot readSnapshot(InputStream in) throws IOException {
        return JSON.readValue(in, ClusterSnapshot.class);
    }

    private static byte[] write(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
