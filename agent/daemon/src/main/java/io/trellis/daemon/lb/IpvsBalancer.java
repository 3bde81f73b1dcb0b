package io.trellis.daemon.lb;

import io.trellis.daemon.tools.SystemTools;
import io.trellis.ipvs.lvs.IpvsClient;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's balancing in the kernel ({@code --lb ipvs}): the VIPs in each task's namespace ({@link IpvsVipTables}),
 * the published ports in the node's ({@link IpvsPublishedPorts}, reached through {@link IngressLink}), and the one
 * thread that applies table changes and, every {@value #CHECK_SECONDS} s, reads everything back.
 */
public final class IpvsBalancer implements AutoCloseable {
    static final int CHECK_SECONDS = 5;
    private static final List<String> TOOLS = List.of("nsenter", "iptables", "iptables-restore", "sysctl");

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ipvs");
        t.setDaemon(true);
        return t;
    });
    private final IpvsVipTables vips;
    private final IpvsPublishedPorts ports = new IpvsPublishedPorts();
    private final IngressLink link;

    public IpvsBalancer(SystemTools tools) {
        this.vips = new IpvsVipTables(new VipMarks(tools), thread);
        this.link = new IngressLink(tools);
        thread.scheduleWithFixedDelay(() -> {
            vips.checkAll();
            ports.check();
        }, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** Why IPVS cannot balance here (in the calling thread's namespace), or empty if it can. */
    public static Optional<String> missing(SystemTools tools) {
        try (IpvsClient ipvs = IpvsClient.open()) {
            ipvs.info();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
        for (String tool : TOOLS) {
            try {
                tools.resolve(tool);
            } catch (IllegalStateException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }

    public IpvsVipTables vips() {
        return vips;
    }

    public IpvsPublishedPorts ports() {
        return ports;
    }

    public IngressLink link() {
        return link;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        ports.close();
    }
}
