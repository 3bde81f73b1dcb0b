package io.trellis.controlplane.store;

/**
 * A file system a service's tasks see at {@code target}: {@code --mount type=volume|bind|tmpfs,...}.
 *
 * @param type           what is mounted
 * @param source         a volume: its name, local to each node; a bind: an absolute host path; a tmpfs: null
 * @param target         the absolute path inside the task
 * @param readOnly       the task cannot write there
 * @param tmpfsSizeBytes a tmpfs: its size limit; 0 for the runtime's default
 */
public record Mount(Type type, String source, String target, boolean readOnly, long tmpfsSizeBytes) {

    /** Docker's mount types the runtimes support. */
    public enum Type { VOLUME, BIND, TMPFS }

    public static Mount volume(String name, String target, boolean readOnly) {
        return new Mount(Type.VOLUME, name, target, readOnly, 0);
    }

    public static Mount bind(String hostPath, String target, boolean readOnly) {
        return new Mount(Type.BIND, hostPath, target, readOnly, 0);
    }

    public static Mount tmpfs(String target, long sizeBytes) {
        return new Mount(Type.TMPFS, null, target, false, sizeBytes);
    }
}
