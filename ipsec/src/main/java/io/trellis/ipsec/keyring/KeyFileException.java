package io.trellis.ipsec.keyring;

import java.io.IOException;

/** A key file that cannot be read or is not in the format {@link KeyFile} describes; the message is one line for the user. */
public final class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
