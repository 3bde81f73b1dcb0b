package io.trellis.cli;


/** A command failed in a way the user can act on: printed as one line, with the exit code. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final int USER_ERROR = 1;
    public static final int UNREACHABLE = 2;
    public static final int INTERNAL = 3;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException user(String message) {
        return new CliException(USER_ERROR, message);
    }
}
