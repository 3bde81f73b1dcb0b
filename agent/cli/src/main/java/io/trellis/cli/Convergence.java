package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.NetworkAddress;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Waits for services to reach their replica count, printing progress like {@code docker service create}. */
final class Convergence {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_MILLIS = 200;
    private static final String RUNNING = "Running";

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

    /** After {@code service update --network-add/--network-rm}: until the replaced tasks run ({@link #networkProgress}). */
    static void awaitNetworks(AgentConnection agent, PrintWriter out, String name) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        waitFor(out, name, deadline, () -> networkProgress(agent.get(ServiceCommand.path(name), ServiceView.class),
                agent.get(ServiceCommand.path(name) + "/tasks", new TypeReference<List<TaskView>>() { })));
        converged(out);
    }

    /**
     * Only a running task attached to exactly the service's networks counts: right after the
     * update, before the orchestrator acted, the old tasks all run and the service's own count
     * would say it converged.
     */
    static Progress networkProgress(ServiceView s, List<TaskView> tasks) {
        int current = 0;
        for (TaskView t : tasks) {
            if (t.desiredState().equals(RUNNING) && t.state().equals(RUNNING)
                    && t.networks().stream().map(NetworkAddress::network).toList().equals(s.networks())) {
                current++;
            }
        }
        // A forced update is done when no task it replaces is left.
        return new Progress(Math.max(0, current - s.outdated()), s.desired());
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
