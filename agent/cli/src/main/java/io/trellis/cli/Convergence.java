package io.trellis.cli;

import io.trellis.api.ServiceView;
import io.trellis.api.UpdateStatusView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Waits for services to reach their replica count, or a rollout to complete, printing progress as Docker does. */
final class Convergence {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_MILLIS = 200;

    private Convergence() {
    }

    /** How far a service is: the tasks that count, of those wanted. */
    record Progress(int current, int desired) {
        boolean done() {
            return current == desired;
        }
    }

    static void await(AgentConnection agent, PrintWriter out, List<String> services) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (String name : services) {
            waitFor(out, name, deadline, () -> {
                ServiceView s = agent.get(ServiceCommand.path(name), ServiceView.class);
                return new Progress(s.running(), s.desired());
            });
        }
        converged(out);
    }

    /**
     * After {@code service update} or {@code service rollback}: until every task meant to run is made from the
     * current spec and runs, and the rollout says it completed (after its monitor period). A paused rollout ends
     * it with the manager's message; so does an update the manager rolled back, unless a rollback was asked for.
     */
    static void awaitUpdate(AgentConnection agent, PrintWriter out, String name, boolean rollbackAsked) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = "";
        String rollbackWhy = null;
        while (true) {
            ServiceView s = agent.get(ServiceCommand.path(name), ServiceView.class);
            UpdateStatusView status = s.updateStatus();
            if (status != null && status.rollback() && rollbackWhy == null) {
                rollbackWhy = status.message();
                if (!rollbackAsked) {
                    out.println(name + ": rollback: " + rollbackWhy);
                }
            }
            String progress = name + ": " + (rollbackWhy != null ? "rolling back, " : "") + "overall progress: "
                    + s.upToDate() + " out of " + s.desired() + " tasks";
            if (!progress.equals(last)) {
                out.println(progress);
                out.flush();
                last = progress;
            }
            if (status != null && status.paused()) {
                throw CliException.user("service " + name + (status.rollback() ? " rollback" : " update") + " paused: "
                        + status.message());
            }
            if (s.outdated() == 0 && s.upToDate() == s.desired() && (status == null || status.completed())) {
                if (rollbackWhy != null && !rollbackAsked) {
                    throw CliException.user("service " + name + " rolled back: " + rollbackWhy);
                }
                converged(out);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(CliException.USER_ERROR, name + " did not converge within "
                        + TIMEOUT.toSeconds() + " s; see trellis service ps " + name);
            }
            sleep();
        }
    }

    private static void waitFor(PrintWriter out, String name, long deadline, Supplier<Progress> poll) {
        String last = "";
        while (true) {
            Progress p = poll.get();
            String progress = name + ": " + p.current() + "/" + p.desired() + " running";
            if (!progress.equals(last)) {
                out.println(progress);
                out.flush();
                last = progress;
            }
            if (p.done()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(CliException.USER_ERROR, name + " did not converge within "
                        + TIMEOUT.toSeconds() + " s; see trellis service ps " + name);
            }
            sleep();
        }
    }

    private static void converged(PrintWriter out) {
        out.println("verify: Service converged");
        out.flush();
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.USER_ERROR, "interrupted");
        }
    }
}
