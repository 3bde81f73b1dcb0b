package io.trellis.process.sandbox;

/** The sandbox could not be set up; the message is one line for the task's error or output. */
public final class SandboxException extends Exception {
    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message, null, false, false);
    }
}
