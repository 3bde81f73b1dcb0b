package io.trellis.ingress.proxy;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;

/** Why a backend connection was not made. */
public enum ConnectFailure {
    /** No answer within the connect timeout. */
    TIMEOUT,
    /** The backend host answered with a reset: nothing listens there. */
    REFUSED,
    /** The chooser had no backend for the first attempt. */
    NO_BACKEND,
    /** Anything else: unreachable network or host, local errors. */
    OTHER;

    static ConnectFailure of(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return TIMEOUT;
        }
        // Netty's annotated "Connection refused" extends ConnectException; unreachable routes do not.
        return cause instanceof ConnectException ? REFUSED : OTHER;
    }
}
