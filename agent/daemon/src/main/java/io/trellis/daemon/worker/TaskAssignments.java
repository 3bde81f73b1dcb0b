package io.trellis.daemon.worker;

import io.trellis.controlplane.store.Task;
import java.util.Collection;

/** The tasks the managers assigned to this node, as this node last heard, with change notification. */
public interface TaskAssignments {
    Collection<Task> tasks();

    /**
     * False until the first complete set arrived. Until then the worker must not act on
     * {@link #tasks()}: an empty set would stop the tasks it adopted after a restart.
     */
    boolean synced();

    void addListener(Runnable onChange);

    void removeListener(Runnable onChange);
}
