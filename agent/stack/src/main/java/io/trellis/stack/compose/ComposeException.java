package io.trellis.stack.compose;

/** A compose file the stack commands refuse: one line naming the file, the line and the key. */
public final class ComposeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ComposeException(String message) {
        super(message, null, false, false);
    }
}
