package io.trellis.admin;

/** A connection a TLS listener turned away, and why, in one line. */
public record Refusal(Kind kind, String message) {

    public enum Kind {
        /** The TLS handshake failed or took too long. */
        HANDSHAKE,
        /** Over the caps on unauthenticated connections. */
        CONNECTION_LIMIT
    }
}
