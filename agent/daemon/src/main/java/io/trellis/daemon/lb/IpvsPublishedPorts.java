package io.trellis.daemon.lb;

import io.trellis.dataplane.balance.Backend;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.proxy.ProxyProtocol;
import io.trellis.ipvs.lvs.ForwardMethod;
import io.trellis.ipvs.lvs.IpvsClient;
import io.trellis.ipvs.lvs.RealServer;
import io.trellis.ipvs.lvs.ServiceKey;
import io.trellis.ipvs.lvs.VirtualService;
import io.trellis.ipvs.netlink.Link;
import io.trellis.ipvs.netlink.LinkAddress;
import io.trellis.ipvs.netlink.RtNetlink;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Published ports in the kernel's IPVS (the agent's {@code --lb ipvs}), in the node's own namespace: for each
 * ingress-mode port, one IPVS service per IPv4 address of the node (loopback and link-local excepted), with the
 * service's running tasks as masquerading real servers at their ingress address and target port. Packets then reach
 * the tasks through the ingress sandbox ({@link IngressLink}).
 *
 * <p>Reconciled like {@link IpvsVipTables}: the kernel's table is read and only the difference applied; services
 * this class did not make (another program's IPVS services on the node) are left alone, so the agent knows its own
 * by the ports it publishes.
 */
public final class IpvsPublishedPorts {
    private static final Logger LOG = LoggerFactory.getLogger(IpvsPublishedPorts.class);

    private Map<ServiceKey, PortPlan> programmed = Map.of();
    private List<PortPlan> plans = List.of();

    /** Whether IPVS can serve {@code plan}: ingress mode, and no PROXY header (IPVS cannot write one). */
    public static boolean servable(PortPlan plan) {
        return "ingress".equals(plan.mode()) && plan.proxyProtocol() == ProxyProtocol.NONE;
    }

    /**
     * Brings the node's IPVS table to {@code plans}; each is {@link #servable}.
     *
     * @return what changed, one entry per change (empty when the kernel already held it)
     */
    public synchronized List<String> apply(List<PortPlan> plans) throws IOException {
        this.plans = List.copyOf(plans);
        List<InetAddress> addresses = localAddresses();
        Map<ServiceKey, PortPlan> want = new LinkedHashMap<>();
        for (PortPlan p : plans) {
            for (InetAddress a : addresses) {
                want.put(p.udp() ? ServiceKey.udp(a, p.port()) : ServiceKey.tcp(a, p.port()), p);
            }
        }
        List<String> done = new ArrayList<>();
        try (IpvsClient ipvs = IpvsClient.open()) {
            Map<ServiceKey, VirtualService> have = new HashMap<>();
            for (VirtualService s : ipvs.services()) {
                have.put(s.key(), s);
            }
            for (Map.Entry<ServiceKey, PortPlan> e : want.entrySet()) {
                reconcile(ipvs, e.getKey(), e.getValue(), have.get(e.getKey()), done);
            }
            for (ServiceKey old : programmed.keySet()) {
                if (!want.containsKey(old) && have.containsKey(old)) {
                    ipvs.deleteService(old);
                    done.add("removed " + old);
                }
            }
        }
        programmed = Map.copyOf(want);
        return done;
    }

    /** Reads the table back and puts right what changed behind the agent's back (or a new node address). */
    synchronized void check() {
        if (plans.isEmpty() && programmed.isEmpty()) {
            return;
        }
        try {
            List<String> fixed = apply(plans);
            if (!fixed.isEmpty()) {
                LOG.warn("IPVS published ports had changed outside Trellis; put right: {}", String.join(", ", fixed));
            }
        } catch (IOException e) {
            LOG.warn("IPVS published ports not checked: {}", e.getMessage());
        }
    }

    private static void reconcile(IpvsClient ipvs, ServiceKey key, PortPlan plan, VirtualService current,
            List<String> done) throws IOException {
        String scheduler = IpvsVipTables.scheduler(plan.algorithm());
        VirtualService target = VirtualService.of(key, scheduler);
        Map<InetSocketAddress, RealServer> dests = new HashMap<>();
        if (current == null) {
            ipvs.addService(target);
            done.add("added " + key);
        } else {
            if (!current.scheduler().equals(scheduler)) {
                ipvs.updateService(target);
                done.add("scheduler of " + key + " → " + scheduler);
            }
            for (RealServer r : ipvs.destinations(key)) {
                dests.put(new InetSocketAddress(r.address(), r.port()), r);
            }
        }
        for (Backend b : plan.backends()) {
            InetSocketAddress at = b.address();
            RealServer r = dests.remove(at);
            RealServer wanted = RealServer.masq(at.getAddress(), at.getPort(), b.weight());
            if (r == null) {
                ipvs.addDestination(key, wanted);
                done.add("added " + at + " to " + key);
            } else if (r.method() != ForwardMethod.MASQ || r.weight() != b.weight()) {
                ipvs.updateDestination(key, wanted);
                done.add("reset " + at + " of " + key);
            }
        }
        for (InetSocketAddress gone : dests.keySet()) {
            ipvs.deleteDestination(key, gone);
            done.add("removed " + gone + " from " + key);
        }
    }

    /** The published ports IPVS holds now, with their real servers and counters, for {@code vip ls}. */
    public synchronized Map<ServiceKey, Listed> listing() throws IOException {
        Map<ServiceKey, Listed> out = new LinkedHashMap<>();
        try (IpvsClient ipvs = IpvsClient.open()) {
            for (VirtualService s : ipvs.services()) {
                PortPlan plan = programmed.get(s.key());
                if (plan != null) {
                    out.put(s.key(), new Listed(plan, s, ipvs.destinations(s.key())));
                }
            }
        }
        return out;
    }

    /** One published port's IPVS service as the kernel reports it. */
    public record Listed(PortPlan plan, VirtualService service, List<RealServer> destinations) {
    }

    /** Removes every service this class made. */
    public synchronized void close() {
        if (programmed.isEmpty()) {
            return;
        }
        try (IpvsClient ipvs = IpvsClient.open()) {
            Set<ServiceKey> have = new HashSet<>();
            ipvs.services().forEach(s -> have.add(s.key()));
            for (ServiceKey k : programmed.keySet()) {
                if (have.contains(k)) {
                    ipvs.deleteService(k);
                }
            }
        } catch (IOException e) {
            LOG.warn("removing the published ports from IPVS: {}", e.getMessage());
        }
        programmed = Map.of();
        plans = List.of();
    }

    /** The node's own IPv4 addresses a client can reach: not loopback, not link-local (the sandbox link). */
    static List<InetAddress> localAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        try (RtNetlink nl = RtNetlink.open()) {
            for (Link l : nl.listLinks()) {
                for (LinkAddress a : nl.listAddresses(l.name())) {
                    InetAddress ip = a.address();
                    if (ip instanceof Inet4Address && !ip.isLoopbackAddress() && !ip.isLinkLocalAddress()) {
                        out.add(ip);
                    }
                }
            }
        }
        return out;
    }
}
