package io.trellis.api.client;

import java.io.IOException;
import java.net.UnknownHostException;

/**
 * The CLI could not connect to the agent at all (nothing listening, no permission, unknown host),
 * as opposed to a connection that broke mid-reply. The CLI maps it to exit code 2.
 */
public final class AgentUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    public AgentUnreachableException(AdminHost host, IOException cause) {
        super("cannot reach the Trellis agent at " + host + ": " + reason(cause) + ". Is `trellis agent` running?",
                cause);
    }

    /** @param message the whole one-line explanation (a TLS handshake the agent or we refused) */
    public AgentUnreachableException(String message, IOException cause) {
        super(message, cause);
    }

    private static String reason(IOException cause) {
        if (cause instanceof UnknownHostException) {
            return "unknown host " + cause.getMessage();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
