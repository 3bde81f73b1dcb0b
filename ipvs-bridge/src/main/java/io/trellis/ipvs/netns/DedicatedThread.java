package io.trellis.ipvs.netns;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs one body on a new platform thread that ends with it. setns(2) and unshare(2) change the
 * namespace of the calling OS thread only, so they must never run on a pooled or carrier thread:
 * a thread that dies after one body cannot carry a foreign namespace into unrelated work.
 */
final class DedicatedThread {

    /** A {@link java.util.concurrent.Callable} that declares what it throws. */
    @FunctionalInterface
    interface Body<T, E extends Exception> {
        T call() throws E;
    }

    private DedicatedThread() {
    }

    /**
     * Runs {@code body} on a fresh thread named {@code name} and waits for it, returning its result
     * or rethrowing what it threw. If the caller is interrupted, the body's thread is interrupted and
     * still waited for, so the caller never returns while the body runs.
     */
    static <T, E extends Exception> T run(String name, Body<T, E> body) throws E {
        FutureTask<T> task = new FutureTask<>(body::call);
        Thread thread = new Thread(task, name);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        try {
            return result(task);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @SuppressWarnings("unchecked") // body declares E; anything else it throws is unchecked
    private static <T, E extends Exception> T result(FutureTask<T> task) throws E {
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (E) cause;
        } catch (InterruptedException e) {
            throw new AssertionError("the task's thread has already ended", e);
        }
    }
}
