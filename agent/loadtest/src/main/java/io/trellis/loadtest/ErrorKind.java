package io.trellis.loadtest;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.util.Locale;

/** Why a request did not get a good answer; each is counted on its own in the summary. */
public enum ErrorKind {
    CONNECT_REFUSED("connect refused"),
    CONNECT_TIMEOUT("connect timeout"),
    RESET("reset"),
    CLOSED_EARLY("closed early"),
    TIMEOUT("timeout"),
    BAD_STATUS("bad status"),
    OTHER("other");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** For people: {@code connect refused}. */
    public String label() {
        return label;
    }

    /** For scripts: {@code connect_refused}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A failed TCP connect, or an ICMP port unreachable a connected UDP socket reports. */
    static ErrorKind ofConnectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return CONNECT_TIMEOUT;
        }
        if (cause instanceof PortUnreachableException || mentions(cause, "refused")) {
            return CONNECT_REFUSED;
        }
        return cause instanceof ConnectException ? OTHER : ofFailure(cause);
    }

    /**
     * A failure on an established connection. The native transports say "Connection reset by peer"
     * in an exception of their own, so the message, not the type, tells a reset; a write into a
     * connection the peer reset fails with "Broken pipe".
     */
    static ErrorKind ofFailure(Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            return CONNECT_REFUSED;
        }
        return mentions(cause, "reset") || mentions(cause, "broken pipe") ? RESET : OTHER;
    }

    private static boolean mentions(Throwable cause, String word) {
        String message = cause.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(word);
    }
}
