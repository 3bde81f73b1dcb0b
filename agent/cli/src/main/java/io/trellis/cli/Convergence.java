package io.trellis.cli;

import io.trellis.api.ServiceView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** Waits for services to reach their replica count, printing progress like {@code docker service create}. */
final class Convergence {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_MILLIS = 200;

    private Convergence() {
    }

    static void await(AgentConnection agent, PrintWriter out, List<String> services) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (String name : services) {
            String last = "";
            while (true) {
                ServiceView s = agent.get(ServiceCommand.path(name), ServiceView.class);
                String progress = name + ": " + s.running() + "/" + s.desired() + " running";
                if (!progress.equals(last)) {
                    out.println(progress);
                    out.flush();
                    last = progress;
                }
                if (s.running() == s.desired()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(CliException.USER_ERROR, name + " did not converge within "
                            + TIMEOUT.toSeconds() + " s; see trellis service ps " + name);
                }
                sleep();
            }
        }
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
