package io.trellis.controlplane.store;

/** What applying a batch produced: the index it landed at, or why it was rejected. */
public record StoreReply(boolean ok, String error, long index) {

    static StoreReply accepted(long index) {
        return new StoreReply(true, null, index);
    }

    static StoreReply rejected(String error, long index) {
        return new StoreReply(false, error, index);
    }
}
