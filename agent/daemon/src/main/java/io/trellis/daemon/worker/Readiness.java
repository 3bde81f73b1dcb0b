package io.trellis.daemon.worker;

import io.trellis.controlplane.store.Task;
import java.util.concurrent.CompletableFuture;

/**
 * When a started task may count as running, and so as a backend of its service everywhere. Without health
 * checks a process that has just started may not listen yet: a balancer sending it clients then, or a rolling
 * update stopping the next task, would turn clients away.
 */
@FunctionalInterface
public interface Readiness {
    /** Ready as soon as the process runs. */
    Readiness IMMEDIATE = t -> CompletableFuture.completedFuture(null);

    /**
     * Completes when {@code task}, just started, is ready: with null, or with a one-line note when it was let
     * through without answering. Never fails.
     */
    CompletableFuture<String> await(Task task);
}
