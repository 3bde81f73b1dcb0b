package io.trellis.daemon;

import io.netty.handler.ssl.SslContext;
import io.trellis.admin.AdminServer;
import io.trellis.admin.SafeDirectory;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.CliException;
import io.trellis.cli.DurationText;
import io.trellis.cli.TlsOptions;
import io.trellis.controlplane.raft.RaftTimeouts;
import io.trellis.daemon.lb.IpvsBalancer;
import io.trellis.daemon.lb.LbChoice;
import io.trellis.daemon.lb.LbMode;
import io.trellis.daemon.network.Capability;
import io.trellis.daemon.network.DataPathChoice;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.dataplane.kernel.KernelVxlanProbe;
import io.trellis.process.StopSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trellis agent}: the node daemon. Runs until SIGTERM or SIGINT, then shuts down cleanly. */
@Command(name = "agent", description = "Run the Trellis node agent (the daemon).")
public final class AgentCommand implements Callable<Integer> {
    /** Stopping tasks (their grace period) and closing Raft; past this an exit not caused by a signal goes ahead. */
    private static final Duration SHUTDOWN_LIMIT_AT_EXIT = Duration.ofSeconds(60);

    @Option(names = {"-H", "--host"}, paramLabel = "URL",
            description = "Where the agent listens for the CLI: unix:///path or tcp://host:port (default: $TRELLIS_HOST, then "
                    + AgentConnection.HOST_DEFAULT + ").")
    String host;

    @Mixin
    TlsOptions tls;

    @Option(names = "--data-dir", description = "State directory (default ${DEFAULT-VALUE}).",
            defaultValue = "/var/lib/trellis")
    Path dataDir;

    @Option(names = "--admin-addr", paramLabel = "HOST:PORT",
            description = "Also serve the admin API and /metrics on this TCP address (e.g. 127.0.0.1:9323), "
                    + "mutual TLS only: --tlscacert, --tlscert, --tlskey or <data-dir>/admin-tls/.")
    String adminAddr;

    @Option(names = "--hostname", description = "Node name shown in node ls (default: this host's name).")
    String hostname;

    @Option(names = "--advertise-addr", paramLabel = "IP", defaultValue = AgentConfiguration.ADVERTISE_ADDR_DEFAULT,
            description = "Address other nodes reach this node at (default ${DEFAULT-VALUE}).")
    String advertiseAddr;

    @Option(names = "--raft-port", defaultValue = "2378", description = "Raft port between managers (default ${DEFAULT-VALUE}).")
    int raftPort;

    @Option(names = "--raft-election-timeout", defaultValue = "400ms", paramLabel = "DURATION",
            description = "As a manager, how long a follower waits for the leader (at random up to twice this) before it"
                    + " stands for election; raise it on slow hosts or links (100ms-60s; default ${DEFAULT-VALUE}).")
    String raftElectionTimeout;

    @Option(names = "--raft-request-timeout", defaultValue = "3s", paramLabel = "DURATION",
            description = "As a manager, how long a change may wait for the managers to commit it before it fails"
                    + " (1s-10m, at least 4 times --raft-election-timeout; default ${DEFAULT-VALUE}).")
    String raftRequestTimeout;

    @Option(names = "--heartbeat-period", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often nodes heartbeat to the leader; 3 missed make a node Down (default ${DEFAULT-VALUE}).")
    String heartbeatPeriod;

    @Option(names = "--stop-grace-period", defaultValue = "10", paramLabel = "SECONDS",
            description = "Time a task gets to exit after SIGTERM before SIGKILL (default ${DEFAULT-VALUE}).")
    int stopGraceSeconds;

    @Option(names = "--data-path-port", defaultValue = "4789", paramLabel = "PORT",
            description = "UDP port of the VXLAN overlay, the same on every node (default ${DEFAULT-VALUE}).")
    int dataPathPort;

    @Option(names = "--esp-port", defaultValue = "4500", paramLabel = "PORT",
            description = "UDP port of encrypted overlays (ESP), the same on every node (default ${DEFAULT-VALUE}).")
    int espPort;

    @Option(names = "--dataplane", defaultValue = "userspace", paramLabel = "PATH",
            description = "What switches the overlay: userspace (the agent's own switch), kernel (a bridge and a"
                    + " kernel VXLAN device per network; VIPs by IPVS, no encrypted networks) or auto (kernel when"
                    + " the host has VXLAN and IPVS; default ${DEFAULT-VALUE}).")
    String dataplane;

    @Option(names = "--lb", defaultValue = LbChoice.DEFAULT, paramLabel = "MODE",
            description = "What balances VIPs and published ports: ipvs (the kernel's IPVS; refuses to start without"
                    + " it), userspace (the agent's switch and relay) or auto (IPVS where the kernel has it, else user"
                    + " space; default ${DEFAULT-VALUE}).")
    String lb;

    @Option(names = "--network-key-rotation", defaultValue = "12h", paramLabel = "DURATION",
            description = "As leader, replace each encrypted network's key this often (at least 10s; default ${DEFAULT-VALUE}).")
    String networkKeyRotation;

    @Option(names = "--node-port", defaultValue = "7946", paramLabel = "PORT",
            description = "TCP port on the advertise address where managers reach this node for exec and task logs"
                    + " (mutual TLS, managers only; the same on every node; default ${DEFAULT-VALUE}).")
    int nodePort;

    @Option(names = "--ingress-idle-timeout", defaultValue = "2h", paramLabel = "DURATION",
            description = "Reset a published port's TCP connection after it was idle this long (at least 1s; default ${DEFAULT-VALUE}).")
    String ingressIdleTimeout;

    @Option(names = "--sandbox-hide", paramLabel = "PATH",
            description = "A directory tasks see as empty, besides the data and run directories; repeat for several.")
    List<Path> sandboxHide = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (raftPort < 1 || raftPort > 65535) {
            throw CliException.user("invalid --raft-port " + raftPort + ": must be 1-65535");
        }
        if (nodePort < 1 || nodePort > 65535) {
            throw CliException.user("invalid --node-port " + nodePort + ": must be 1-65535");
        }
        if (dataPathPort < 1 || dataPathPort > 65535 || espPort < 1 || espPort > 65535 || dataPathPort == espPort) {
            throw CliException.user("invalid --data-path-port " + dataPathPort + " / --esp-port " + espPort
                    + ": each must be 1-65535, and they must differ");
        }
        if (stopGraceSeconds < 0) {
            throw CliException.user("invalid --stop-grace-period " + stopGraceSeconds + ": must be 0 or more");
        }
        Duration heartbeat = DurationText.parse("--heartbeat-period", heartbeatPeriod);
        Duration keyRotation = DurationText.parse("--network-key-rotation", networkKeyRotation);
        if (keyRotation.compareTo(Duration.ofSeconds(10)) < 0) {
            throw CliException.user("invalid --network-key-rotation " + networkKeyRotation + ": must be 10s or more");
        }
        Duration ingressIdle = DurationText.parse("--ingress-idle-timeout", ingressIdleTimeout);
        if (ingressIdle.compareTo(Duration.ofSeconds(1)) < 0) {
            throw CliException.user("invalid --ingress-idle-timeout " + ingressIdleTimeout + ": must be 1s or more");
        }
        RaftTimeouts raftTimeouts = raftTimeouts();
        String nodeName = hostname != null ? hostname : hostName();
        LbChoice balancing = resolveLb();
        DataPathChoice dataPath = resolveDataPath(balancing);
        // Not a static field: Main builds this command for every call, and a CLI call must not start logging.
        Logger log = LoggerFactory.getLogger(AgentCommand.class);
        log.info(balancing.reason());
        log.info(dataPath.why());
        Path data = dataDir.toAbsolutePath();
        try {
            Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            SafeDirectory.check(data, "data directory");
        } catch (IOException e) {
            throw CliException.user(e.getMessage());
        }
        String host = AgentConnection.resolveHost(this.host);
        SslContext tcpTls;
        try {
            tcpTls = AdminListenerTls.forListeners(host, adminAddr, tls, dataDir.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw CliException.user("cannot serve the admin API: " + e.getMessage());
        }
        AgentConfiguration cfg = new AgentConfiguration(dataDir.toAbsolutePath(), host, adminAddr,
                nodeName, advertiseAddr, raftPort,
                AgentConfiguration.NETNS_DIR_DEFAULT, Duration.ofSeconds(stopGraceSeconds), heartbeat, dataPathPort,
                espPort, keyRotation, ingressIdle, nodePort, sandboxHide, dataPath.path(), balancing.mode(),
                raftTimeouts, lb, dataplane.toLowerCase(Locale.ROOT));
        AgentDaemon daemon = new AgentDaemon(cfg, Clock.systemUTC());
        AdminServer server;
        try {
            server = AdminEndpoints.serve(daemon, host, adminAddr, tcpTls);
        } catch (IOException | IllegalArgumentException e) {
            daemon.close();
            throw CliException.user("cannot serve the admin API: " + e.getMessage());
        }
        StopSignals signals = StopSignals.install(() -> {
            log.info("shutting down");
            server.close();
            daemon.close(); // also ends a resume still waiting for a quorum
            log.info("stopped");
        }, SHUTDOWN_LIMIT_AT_EXIT);
        log.info("agent listening on {}{}", host, adminAddr == null ? "" : " and tcp://" + adminAddr + " (mutual TLS)");
        try {
            daemon.start();
        } catch (Exception e) {
            log.error("could not resume the swarm: {}", e.getMessage(), e);
        }
        signals.await();
        return 0;
    }

    private RaftTimeouts raftTimeouts() {
        Duration election = DurationText.parse("--raft-election-timeout", raftElectionTimeout);
        Duration request = DurationText.parse("--raft-request-timeout", raftRequestTimeout);
        try {
            return new RaftTimeouts(election, request);
        } catch (IllegalArgumentException e) {
            throw CliException.user("invalid --raft-election-timeout " + raftElectionTimeout
                    + " / --raft-request-timeout " + raftRequestTimeout + ": " + e.getMessage());
        }
    }

    /** Asks the kernel for IPVS once, here in the agent's namespace, unless {@code --lb userspace}. */
    private LbChoice resolveLb() {
        try {
            return LbChoice.resolve(lb, () -> IpvsBalancer.missing(SystemTools.system()));
        } catch (IllegalArgumentException e) {
            throw CliException.user(e.getMessage());
        }
    }

    /**
     * Probes the kernel once, here in the agent's namespace, and only when {@code --dataplane} asks. The kernel path
     * has no switch to balance VIPs in, so it needs {@code --lb} to have come to IPVS.
     */
    private DataPathChoice resolveDataPath(LbChoice balancing) {
        Supplier<Capability> ipvs = () -> balancing.mode() == LbMode.IPVS ? Capability.yes()
                : Capability.no(balancing.notKernel());
        try {
            return DataPathChoice.resolve(DataPathChoice.Requested.parse(dataplane),
                    () -> Capability.ofMissing(KernelVxlanProbe.missing()), ipvs);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.user(e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return HostName.ofThisHost();
        } catch (IOException e) {
            throw CliException.user(e.getMessage());
        }
    }
}
