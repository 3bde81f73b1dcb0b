package io.trellis.controlplane.store;

/** A precondition failed at apply time; the whole batch is rejected and nothing changes. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message, null, false, false);
    }
}
