package io.trellis.daemon.worker;

import io.trellis.controlplane.store.TaskStatus;
import java.util.Map;

/** Where task status goes: the dispatcher. Throws when the batch was not taken, so it is retried. */
@FunctionalInterface
public interface StatusSink {
    void send(Map<String, TaskStatus> batch) throws Exception;
}
