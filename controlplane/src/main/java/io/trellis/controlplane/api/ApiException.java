package io.trellis.controlplane.api;

/** A request the cluster refuses, with a one-line message for the user and the kind of refusal. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Bad input: fix the command. */
        INVALID(400),
        /** No credentials, or wrong ones (a bad join token, no client certificate). */
        UNAUTHORIZED(401),
        /** Authenticated, but not allowed (a worker calling a manager-only API). */
        FORBIDDEN(403),
        NOT_FOUND(404),
        /** Conflicts with the current state (duplicate name, already initialised). */
        CONFLICT(409),
        /** Not a manager, no leader, or the store did not answer. */
        UNAVAILABLE(503),
        INTERNAL(500);

        public final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final Kind kind;

    public ApiException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static ApiException invalid(String m) {
        return new ApiException(Kind.INVALID, m);
    }

    public static ApiException notFound(String m) {
        return new ApiException(Kind.NOT_FOUND, m);
    }
}
