package io.trellis.daemon.cluster;


/**
 * A request on the cluster port that failed: refused by the manager (HTTP status and its one-line
 * reason), or never answered ({@link #status()} 0).
 */
public final class ClusterException extends Exception {
    private static final long serialVersionUID = 1L;
    /** HTTP 421 Misdirected Request: this manager is not the leader; {@link #leader()} names it. */
    public static final int NOT_LEADER = 421;

    private final int status;
    private final String leader;

    public ClusterException(int status, String message, String leader) {
        super(message);
        this.status = status;
        this.leader = leader;
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.leader = null;
    }

    public int status() {
        return status;
    }

    /** The leader's cluster address when the manager redirected us, else null. */
    public String leader() {
        return leader;
    }

    /** True when the manager could not be reached at all (as opposed to refusing). */
    public boolean unreachable() {
        return status == 0;
    }
}
