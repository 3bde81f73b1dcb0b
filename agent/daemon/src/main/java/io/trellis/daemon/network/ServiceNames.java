package io.trellis.daemon.network;

import io.netty.handler.codec.dns.DnsRecordType;
import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.daemon.network.NetworkTables.NetworkState;
import io.trellis.dataplane.dns.NameDirectory;
import io.trellis.dataplane.dns.Resolution;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The names tasks resolve through the embedded DNS, as Docker's resolver answers them, from an
 * immutable index rebuilt after every change (the DNS event loop reads it without locking):
 * <ul>
 * <li>{@code <service>} and each network alias: the service's VIP on that network, or in endpoint
 *     mode dnsrr the addresses of its running tasks there;
 * <li>{@code tasks.<service>} (and {@code tasks.<alias>}): the addresses of its running tasks.
 * </ul>
 * A task sees only the names of the networks it is attached to; a name of another network is not
 * the cluster's for it and goes to the node's resolvers. A stopped task is no backend any more in
 * the next map, so it leaves the answers at once.
 */
final class ServiceNames implements NameDirectory {
    /** Task addresses change with every scale or restart: answers about them are not to be cached. */
    static final int TASK_TTL_SECONDS = 0;

    /** Per network: name → answer; per local task: its networks. */
    private record Index(Map<String, Map<String, Resolution>> byNetwork, Map<String, List<String>> taskNetworks) {
    }

    private volatile Index index = new Index(Map.of(), Map.of());

    /** Rebuilds the index from the node's maps and its local tasks' networks. */
    void rebuild(Collection<NetworkState> networks, Map<String, List<String>> taskNetworks) {
        Map<String, Map<String, Resolution>> byNetwork = new HashMap<>();
        for (NetworkState s : networks) {
            Map<String, List<Inet4Address>> running = new HashMap<>();
            for (Endpoint e : s.endpoints.values()) {
                if (e.backend()) {
                    running.computeIfAbsent(e.serviceId(), k -> new ArrayList<>()).add(inet(e.address()));
                }
            }
            Map<String, Resolution> names = new HashMap<>();
            for (ServiceEntry svc : s.services.values()) {
                List<Inet4Address> tasks = new ArrayList<>(running.getOrDefault(svc.serviceId(), List.of()));
                tasks.sort(Comparator.comparing(InetAddress::getHostAddress));
                Resolution direct = svc.vip() != null ? Resolution.addresses(List.of(inet(svc.vip())))
                        : Resolution.addresses(tasks, TASK_TTL_SECONDS);
                Resolution all = Resolution.addresses(tasks, TASK_TTL_SECONDS);
                Set<String> labels = new LinkedHashSet<>();
                labels.add(svc.name());
                labels.addAll(svc.aliases());
                for (String label : labels) {
                    String l = label.toLowerCase(Locale.ROOT);
                    names.put(l, direct);
                    names.put("tasks." + l, all);
                }
            }
            byNetwork.put(s.info.id(), Map.copyOf(names));
        }
        index = new Index(Map.copyOf(byNetwork), Map.copyOf(taskNetworks));
    }

    @Override
    public Resolution resolve(String taskId, String name, DnsRecordType type) {
        Index i = index;
        List<String> networks = i.taskNetworks().getOrDefault(taskId, List.of());
        List<Inet4Address> addresses = new ArrayList<>();
        boolean known = false;
        int ttl = Resolution.DEFAULT_TTL_SECONDS;
        for (String n : networks) {
            Resolution r = i.byNetwork().getOrDefault(n, Map.of()).get(name);
            if (r != null) {
                known = true;
                addresses.addAll(r.addresses());
                ttl = Math.min(ttl, r.ttlSeconds());
            }
        }
        if (!known) {
            return Resolution.notOurs();
        }
        if (type != DnsRecordType.A || addresses.isEmpty()) {
            return Resolution.noData();
        }
        return Resolution.addresses(addresses, ttl);
    }

    private static Inet4Address inet(String dotted) {
        try {
            return (Inet4Address) InetAddress.getByAddress(intBytes(Ipv4Subnet.parseAddress(dotted)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] intBytes(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }
}
