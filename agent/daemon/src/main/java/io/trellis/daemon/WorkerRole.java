package io.trellis.daemon;

import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.daemon.cgroup.Cgroups;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.ingress.IngressAgent;
import io.trellis.daemon.lb.IpvsBalancer;
import io.trellis.daemon.lb.LbMode;
import io.trellis.daemon.network.NetworkAgent;
import io.trellis.daemon.network.PortReadiness;
import io.trellis.daemon.node.NodePort;
import io.trellis.daemon.node.OutputClock;
import io.trellis.daemon.runtime.ProcessRuntime;
import io.trellis.daemon.runtime.SandboxSettings;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.daemon.runtime.docker.DockerEngine;
import io.trellis.daemon.runtime.docker.DockerRuntime;
import io.trellis.daemon.secrets.NodeSecrets;
import io.trellis.daemon.secrets.SecretMounts;
import io.trellis.daemon.volumes.LocalVolumes;
import io.trellis.daemon.worker.DispatcherSession;
import io.trellis.daemon.worker.StatusReporter;
import io.trellis.daemon.worker.Worker;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxyOptions;
import io.trellis.process.SelfLauncher;
import io.trellis.process.TaskDirectory;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What every swarm member runs, managers included (swarmkit's agent): the session with the
 * managers, the reporter of task status, and the worker that runs this node's tasks.
 */
final class WorkerRole implements AutoCloseable {
    private DispatcherSession session;
    private StatusReporter reporter;
    private Worker worker;
    private NetworkAgent network;
    private IngressAgent ingress;
    private IpvsBalancer ipvs;
    private PortReadiness readiness;
    private NodePort nodePort;
    private OutputClock outputClock;
    private DockerEngine docker;
    private TaskRuntimes runtimes;
    private final NodeSecrets secrets = new NodeSecrets();

    private WorkerRole() {
    }

    /**
     * Starts the node's overlay (which calls {@code networkChanged} after each change it programmed),
     * the session (which calls {@code heard} with each heartbeat reply and the manager that gave it),
     * the reporter and the worker.
     */
    static WorkerRole start(SwarmIdentity id, NodeCredentials credentials, AgentConfiguration cfg, Clock clock,
                            BiConsumer<String, ClusterMessages.HeartbeatResponse> heard,
                            Consumer<NetworkAgent> networkChanged, Consumer<IngressAgent> ingressChanged,
                            LocalVolumes volumes) {
        List<String> managers = new ArrayList<>(id.managers());
        if (id.isManager() && id.managerAddr() != null) {
            managers.remove(id.managerAddr());
            managers.add(0, id.managerAddr()); // likely the leader after init; redirects fix it otherwise
        }
        WorkerRole w = new WorkerRole();
        try {
            w.network = new NetworkAgent(id.nodeId(), InetAddress.getByName(id.advertiseAddr()), cfg.dataPathPort(),
                    cfg.espPort(), cfg.dataPath());
            w.ingress = new IngressAgent(id.nodeId(), cfg.netnsDir(),
                    TcpProxyOptions.defaults().withIdleTimeout(cfg.ingressIdleTimeout()), UdpProxyOptions.defaults(),
                    ingressChanged);
            if (cfg.lb() == LbMode.IPVS) {
                w.ipvs = new IpvsBalancer(SystemTools.system());
                w.network.balanceInKernel(w.ipvs.vips());
                w.ingress.balanceInKernel(w.ipvs);
            }
            w.network.addListener(w.ingress);
            w.network.addListener(networkChanged);
            SecretMounts mounts = new SecretMounts(SecretMounts.ROOT_DEFAULT, "trellis-secrets-" + id.nodeId(),
                    w.secrets, SystemTools.system());
            TaskDirectory dirs = new TaskDirectory(cfg.tasksDir());
            ProcessRuntime processes = new ProcessRuntime(dirs, cfg.netnsDir(), cfg.hostname(), SelfLauncher.current(),
                    w.network, mounts, SandboxSettings.of(cfg.dataDir(), cfg.netnsDir(), cfg.sandboxHide(),
                    Cgroups.detect()), volumes);
            w.docker = new DockerEngine(DockerEngine.DEFAULT_SOCKET);
            TaskRuntimes runtime = new TaskRuntimes(processes, new DockerRuntime(w.docker, id.nodeId(), dirs, cfg.netnsDir(),
                    cfg.hostname(), w.network, mounts));
            mounts.removeLeftovers(runtime.localTasks());
            w.runtimes = runtime;
            w.session = new DispatcherSession(ClusterClient.member(credentials.keys(), credentials.tls()), managers,
                    cfg.heartbeatPeriod(), heard).onNetworks(w.network::apply).onSecrets(w.secrets::apply)
                    .onRuntimes(runtime::available).start();
            w.reporter = new StatusReporter(w.session).start();
            w.readiness = new PortReadiness(w.network);
            w.worker = new Worker(id.nodeId(), w.session, runtime, w.reporter, clock, cfg.stopGrace(), w.readiness)
                    .start();
            w.outputClock = new OutputClock(dirs, clock).start();
            w.nodePort = NodePort.open(NodeAddresses.hostPort(id.advertiseAddr(), cfg.nodePort()), credentials.keys(),
                    credentials::tls, runtime, dirs);
            return w;
        } catch (java.net.UnknownHostException e) {
            w.close();
            throw new IllegalStateException("advertise address " + id.advertiseAddr() + " is not an IP address", e);
        } catch (java.io.IOException e) {
            w.close();
            throw new IllegalStateException("cannot open the node port " + cfg.nodePort() + " on " + id.advertiseAddr()
                    + ": " + e.getMessage() + " (--node-port)", e);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** The runtimes this node can start tasks with now ({@code process, docker}). */
    String runtimes() {
        return runtimes == null ? TaskRuntimes.PROCESS : runtimes.name();
    }

    /** The manager the session talks to now. */
    String sessionTarget() {
        return session.target();
    }

    /** This node's overlay: networks, endpoints, VIP tables. */
    NetworkAgent network() {
        return network;
    }

    /** This node's published ports. */
    IngressAgent ingress() {
        return ingress;
    }

    int runningCount() {
        return worker == null ? 0 : worker.runningCount();
    }

    @Override
    public void close() {
        if (nodePort != null) {
            nodePort.close();
        }
        if (outputClock != null) {
            outputClock.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (readiness != null) {
            readiness.close();
        }
        if (reporter != null) {
            reporter.close();
        }
        if (session != null) {
            session.close();
        }
        if (ingress != null) {
            ingress.close();
        }
        if (network != null) {
            network.close();
        }
        if (ipvs != null) {
            ipvs.close();
        }
        if (docker != null) {
            docker.close(); // last: the worker above may still stop containers
        }
        secrets.clear();
    }
}
