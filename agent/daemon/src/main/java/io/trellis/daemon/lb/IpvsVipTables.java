package io.trellis.daemon.lb;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.dataplane.lb.BackendStats;
import io.trellis.dataplane.lb.VipStats;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.ipvs.lvs.ForwardMethod;
import io.trellis.ipvs.lvs.IpvsClient;
import io.trellis.ipvs.lvs.IpvsStats;
import io.trellis.ipvs.lvs.RealServer;
import io.trellis.ipvs.lvs.ServiceKey;
import io.trellis.ipvs.lvs.VirtualService;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIP tables of this node's tasks in the kernel's IPVS (the agent's {@code --lb ipvs}): in each local task's
 * network namespace, one firewall-mark service per VIP of the task's networks ({@link VipMarks}), with the VIP's
 * running tasks as masquerading real servers at port 0 (the port the task asked for is kept), scheduled as the
 * service's {@code --lb-algorithm} says ({@code rr}; {@code least-conn} → {@code lc}; {@code maglev} → {@code mh},
 * IPVS's Maglev hashing).
 *
 * <p>Each namespace is reconciled, never flushed: the services and real servers the kernel holds are read, and
 * only the difference is added, changed or deleted, so flows on unchanged backends keep their IPVS connection
 * entries. A task's namespace is programmed before its command starts ({@link #attach}); table changes are applied
 * on {@link IpvsBalancer}'s thread, which also reads every namespace back now and then ({@link #checkAll}), so an
 * entry someone changed behind the agent's back is put right and logged.
 */
public final class IpvsVipTables {
    private static final Logger LOG = LoggerFactory.getLogger(IpvsVipTables.class);

    private final VipMarks marks;
    private final Map<String, List<VipService>> byNetwork = new HashMap<>();
    private final Map<String, TaskTables> tasks = new LinkedHashMap<>();
    private final Executor thread;

    /** One local task: its namespace, its networks, and what was last programmed there. */
    private static final class TaskTables {
        final Path netns;
        final List<String> networkIds;
        Map<Integer, Desired> programmed = Map.of();

        TaskTables(Path netns, List<String> networkIds) {
            this.netns = netns;
            this.networkIds = List.copyOf(networkIds);
        }
    }

    /** One VIP as IPVS should hold it in a task's namespace. */
    record Desired(VipService vip, String scheduler, Set<Integer> backends) {
    }

    /** @param thread where table changes are applied ({@link IpvsBalancer}'s one thread) */
    IpvsVipTables(VipMarks marks, Executor thread) {
        this.marks = marks;
        this.thread = thread;
    }

    /** The IPVS scheduler for a service's {@code --lb-algorithm}. */
    static String scheduler(String algorithm) {
        return switch (algorithm) {
            case "least-conn" -> "lc";
            case "maglev" -> "mh";
            default -> "rr";
        };
    }

    /** A network's VIP table changed: its tasks here are reprogrammed on this class's thread. */
    public synchronized void setServices(String networkId, List<VipService> services) {
        byNetwork.put(networkId, List.copyOf(services));
        thread.execute(() -> reconcileTasksOn(networkId));
    }

    public synchronized void removeNetwork(String networkId) {
        byNetwork.remove(networkId);
    }

    /**
     * Programs a task's namespace for its networks' VIPs, before its command starts.
     *
     * @throws IOException one line when IPVS or the marks cannot be set there
     */
    public void attach(String taskId, Path netns, List<String> networkIds) throws IOException {
        TaskTables t = new TaskTables(netns, networkIds);
        synchronized (this) {
            tasks.put(taskId, t);
        }
        reconcile(taskId, t, false);
    }

    /** Forgets a task; its IPVS tables go with its namespace. */
    public synchronized void detach(String taskId) {
        tasks.remove(taskId);
    }

    private void reconcileTasksOn(String networkId) {
        Map<String, TaskTables> affected = new LinkedHashMap<>();
        synchronized (this) {
            tasks.forEach((id, t) -> {
                if (t.networkIds.contains(networkId)) {
                    affected.put(id, t);
                }
            });
        }
        affected.forEach((id, t) -> reconcileQuietly(id, t, false));
    }

    /** Reads every namespace back and puts right what changed behind the agent's back. */
    void checkAll() {
        Map<String, TaskTables> all;
        synchronized (this) {
            all = new LinkedHashMap<>(tasks);
        }
        all.forEach((id, t) -> reconcileQuietly(id, t, true));
    }

    private void reconcileQuietly(String taskId, TaskTables t, boolean check) {
        try {
            reconcile(taskId, t, check);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (!tasks.containsKey(taskId)) {
                    return; // the task ended while we were at it
                }
            }
            LOG.warn("IPVS tables of task {} not programmed: {}", taskId, e.getMessage());
        }
    }

    private Map<Integer, Desired> desired(TaskTables t) {
        Map<Integer, Desired> want = new TreeMap<>();
        synchronized (this) {
            for (String n : t.networkIds) {
                for (VipService v : byNetwork.getOrDefault(n, List.of())) {
                    Set<Integer> backends = new TreeSet<>();
                    v.backends().forEach(b -> backends.add(b.ipv4()));
                    want.put(VipMarks.markOf(v.vip()), new Desired(v, scheduler(v.algorithm()), backends));
                }
            }
        }
        return want;
    }

    /** Brings one namespace to what it should hold; {@code check}: a periodic read-back, which logs drift. */
    private synchronized void reconcile(String taskId, TaskTables t, boolean check) throws IOException {
        Map<Integer, Desired> want = desired(t);
        List<String> fixed = new ArrayList<>();
        try {
            NetworkNamespace.open(t.netns).call(() -> {
                try (IpvsClient ipvs = IpvsClient.open()) {
                    apply(ipvs, want, fixed);
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("IPVS in " + t.netns + ": " + e.getMessage(), e);
        }
        if (!want.keySet().equals(t.programmed.keySet())) {
            List<Integer> vips = new ArrayList<>();
            want.values().forEach(d -> vips.add(d.vip().vip()));
            marks.apply(t.netns, vips);
        }
        if (check && !fixed.isEmpty() && t.programmed.equals(want)) {
            LOG.warn("IPVS tables of task {} had changed outside Trellis; put right: {}", taskId,
                    String.join(", ", fixed));
        }
        t.programmed = want;
    }

    /** The difference between what the kernel holds and {@code want}, applied; each change named in {@code done}. */
    private static void apply(IpvsClient ipvs, Map<Integer, Desired> want, List<String> done) throws IOException {
        Map<Integer, VirtualService> have = new HashMap<>();
        for (VirtualService s : ipvs.services()) {
            if (s.key().fwmark() != 0) {
                have.put(s.key().fwmark(), s);
            }
        }
        for (Map.Entry<Integer, Desired> e : want.entrySet()) {
            ServiceKey key = ServiceKey.fwmark(e.getKey());
            Desired d = e.getValue();
            VirtualService current = have.remove(e.getKey());
            VirtualService target = VirtualService.of(key, d.scheduler());
            if (current == null) {
                ipvs.addService(target);
                done.add("added " + key);
            } else if (!current.scheduler().equals(d.scheduler())) {
                ipvs.updateService(target);
                done.add("scheduler of " + key + " → " + d.scheduler());
            }
            Map<Integer, RealServer> dests = new HashMap<>();
            if (current != null) {
                for (RealServer r : ipvs.destinations(key)) {
                    dests.put(toInt(r.address()), r);
                }
            }
            for (int backend : d.backends()) {
                RealServer r = dests.remove(backend);
                if (r == null) {
                    ipvs.addDestination(key, RealServer.masq(Ipv4Subnet.inetAddress(backend), 0, 1));
                    done.add("added " + Ipv4Subnet.inetAddress(backend).getHostAddress() + " to " + key);
                } else if (r.method() != ForwardMethod.MASQ || r.weight() != 1) {
                    ipvs.updateDestination(key, RealServer.masq(Ipv4Subnet.inetAddress(backend), 0, 1));
                    done.add("reset " + Ipv4Subnet.inetAddress(backend).getHostAddress() + " of " + key);
                }
            }
            for (RealServer gone : dests.values()) {
                ipvs.deleteDestination(key, new InetSocketAddress(gone.address(), gone.port()));
                done.add("removed " + gone.address().getHostAddress() + " from " + key);
            }
        }
        for (VirtualService extra : have.values()) {
            ipvs.deleteService(extra.key());
            done.add("removed " + extra.key());
        }
    }

    /**
     * What {@code vip ls} shows: each VIP once, its figures read back from the kernel and summed over this node's
     * task namespaces (each task balances its own connections, as each node's switch does in user space).
     */
    public List<VipStats> stats() {
        Map<String, TaskTables> all;
        synchronized (this) {
            all = new LinkedHashMap<>(tasks);
        }
        Map<Integer, VipService> vips = new TreeMap<>();
        Map<Integer, Map<Integer, long[]>> sums = new HashMap<>();
        for (TaskTables t : all.values()) {
            Map<Integer, Desired> programmed;
            synchronized (this) {
                programmed = t.programmed;
            }
            programmed.forEach((mark, d) -> vips.putIfAbsent(mark, d.vip()));
            try {
                NetworkNamespace.open(t.netns).call(() -> {
                    try (IpvsClient ipvs = IpvsClient.open()) {
                        for (int mark : programmed.keySet()) {
                            Map<Integer, long[]> perBackend = sums.computeIfAbsent(mark, k -> new HashMap<>());
                            for (RealServer r : ipvs.destinations(ServiceKey.fwmark(mark))) {
                                long[] s = perBackend.computeIfAbsent(toInt(r.address()), k -> new long[4]);
                                IpvsStats st = r.stats();
                                s[0] += r.activeConnections();
                                s[1] += r.inactiveConnections();
                                if (st != null) {
                                    s[2] += st.inPackets() + st.outPackets();
                                    s[3] += st.inBytes() + st.outBytes();
                                }
                            }
                        }
                    }
                    return null;
                });
            } catch (Exception e) {
                LOG.debug("IPVS stats of {} unavailable: {}", t.netns, e.getMessage());
            }
        }
        List<VipStats> out = new ArrayList<>();
        vips.forEach((mark, v) -> {
            Map<Integer, long[]> perBackend = sums.getOrDefault(mark, Map.of());
            List<BackendStats> backends = new ArrayList<>();
            for (VipBackend b : v.backends()) {
                long[] s = perBackend.getOrDefault(b.ipv4(), new long[4]);
                backends.add(new BackendStats(b.taskId(), b.node(), b.ipv4(), s[0], s[1], s[2], s[3]));
            }
            out.add(new VipStats(v.networkId(), v.serviceName(), v.vip(), v.algorithm(), backends));
        });
        return out;
    }

    private static int toInt(InetAddress a) {
        return Ipv4Subnet.parseAddress(a.getHostAddress());
    }


}
