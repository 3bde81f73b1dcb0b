package io.trellis.daemon;

import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.runtime.ProcessRuntime;
import io.trellis.daemon.worker.DispatcherSession;
import io.trellis.daemon.worker.StatusReporter;
import io.trellis.daemon.worker.Worker;
import io.trellis.process.SelfLauncher;
import io.trellis.process.TaskDirectory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What every swarm member runs, managers included (swarmkit's agent): the session with the
 * managers, the reporter of task status, and the worker that runs this node's tasks.
 */
final class WorkerRole implements AutoCloseable {
    private DispatcherSession session;
    private StatusReporter reporter;
    private Worker worker;

    private WorkerRole() {
    }

    /**
     * Starts the session (which calls {@code heard} with each heartbeat reply and the manager that
     * gave it), the reporter and the worker.
     */
    static WorkerRole start(SwarmIdentity id, NodeCredentials credentials, AgentConfiguration cfg, Clock clock,
                            BiConsumer<String, ClusterMessages.HeartbeatResponse> heard) {
        List<String> managers = new ArrayList<>(id.managers());
        if (id.isManager() && id.managerAddr() != null) {
            managers.remove(id.managerAddr());
            managers.add(0, id.managerAddr()); // likely the leader after init; redirects fix it otherwise
        }
        WorkerRole w = new WorkerRole();
        try {
            w.session = new DispatcherSession(ClusterClient.member(credentials.keys(), credentials.tls()), managers,
                    cfg.heartbeatPeriod(), heard).start();
            w.reporter = new StatusReporter(w.session).start();
            ProcessRuntime runtime = new ProcessRuntime(new TaskDirectory(cfg.tasksDir()), cfg.netnsDir(),
                    cfg.hostname(), SelfLauncher.current());
            w.worker = new Worker(id.nodeId(), w.session, runtime, w.reporter, clock, cfg.stopGrace()).start();
            return w;
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** The manager the session talks to now. */
    String sessionTarget() {
        return session.target();
    }

    int runningCount() {
        return worker == null ? 0 : worker.runningCount();
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (reporter != null) {
            reporter.close();
        }
        if (session != null) {
            session.close();
        }
    }
}
