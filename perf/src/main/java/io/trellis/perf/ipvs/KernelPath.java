package io.trellis.perf.ipvs;

import io.trellis.daemon.lb.IpvsBalancer;
import io.trellis.daemon.lb.IpvsPublishedPorts;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ipvs.lvs.RealServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A published port through IPVS, programmed exactly as an agent with {@code --lb ipvs} programs it: the
 * {@link IpvsBalancer}'s ingress link into the sandbox (once), then {@link IpvsPublishedPorts#apply} with the plan,
 * in the calling process's namespace (the node's).
 */
final class KernelPath implements AutoCloseable {
    private final IpvsBalancer balancer;
    private boolean published;

    private KernelPath(IpvsBalancer balancer) {
        this.balancer = balancer;
    }

    /**
     * Checks that IPVS and the tools the balancer runs are there, then links the node to {@code sandbox}, whose
     * overlay interface {@code overlayIf} is on {@code subnet}.
     */
    static KernelPath open(Path sandbox, String subnet, String overlayIf) throws IOException {
        SystemTools tools = SystemTools.system();
        String missing = IpvsBalancer.missing(tools).orElse(null);
        if (missing != null) {
            throw new IOException("IPVS cannot balance here: " + missing);
        }
        IpvsBalancer balancer = new IpvsBalancer(tools);
        try {
            balancer.link().connect(sandbox, subnet, overlayIf);
        } catch (IOException | RuntimeException e) {
            balancer.close();
            throw e;
        }
        return new KernelPath(balancer);
    }

    /** Programs {@code plan} into IPVS; returns what changed. */
    List<String> publish(PortPlan plan) throws IOException {
        if (!IpvsPublishedPorts.servable(plan)) {
            throw new IOException("IPVS cannot serve " + plan.key());
        }
        List<String> done = balancer.ports().apply(List.of(plan));
        published = true;
        return done;
    }

    /** Removes the port from IPVS; nothing when not published. */
    void withdraw() throws IOException {
        if (published) {
            balancer.ports().apply(List.of());
            published = false;
        }
    }

    /** Per real server of each IPVS service: connections and packets in and out, or empty when not published. */
    String stats() throws IOException {
        if (!published) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (var e : balancer.ports().listing().entrySet()) {
            for (RealServer r : e.getValue().destinations()) {
                String counts = r.stats() == null ? "no counters"
                        : r.stats().connections() + " conns, " + r.stats().inPackets() + " pkts in, "
                                + r.stats().outPackets() + " out";
                parts.add(e.getKey() + " -> " + r.address().getHostAddress() + ":" + r.port() + " " + counts);
            }
        }
        return "ipvs: " + String.join("; ", parts);
    }

    @Override
    public void close() {
        balancer.close();
    }
}
