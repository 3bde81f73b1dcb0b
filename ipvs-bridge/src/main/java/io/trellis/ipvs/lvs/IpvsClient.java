package io.trellis.ipvs.lvs;

import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_GENL_NAME;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NETLINK_GENERIC;
import static io.trellis.ipvs.netlink.NetlinkConstants.familyOf;

import io.trellis.ipvs.netlink.GenericFamily;
import io.trellis.ipvs.netlink.NetlinkException;
import io.trellis.ipvs.netlink.NetlinkMessage;
import io.trellis.ipvs.netlink.NetlinkParseException;
import io.trellis.ipvs.netlink.NetlinkSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The IPVS tables of one network namespace over generic netlink: what {@code ipvsadm} does, without
 * running it. Every call is one request; the kernel requires CAP_NET_ADMIN for all of them, reads
 * included.
 *
 * <p>It acts on the namespace of the thread that called {@link #open()} (see
 * {@link NetlinkSocket}): open it inside {@link io.trellis.ipvs.netns.NetworkNamespace#call} to
 * manage another namespace. Each namespace has its own services, destinations and timeouts.
 *
 * <p>Mechanism only: adds are exclusive (an existing service or destination gives EEXIST),
 * updates and deletes of a missing one give ESRCH (service) or ENOENT (destination); nothing is
 * retried or treated as success. Every refusal is a {@link NetlinkException} naming the operation
 * and its target, such as {@code "add IPVS service TCP 10.0.0.2:80: File exists (errno 17)"}.
 * Not thread-safe: one request at a time.
 */
public final class IpvsClient implements AutoCloseable {

    static final String UNAVAILABLE =
            "IPVS is not available in this kernel (no ip_vs module: generic netlink family IPVS not found)";

    // asm-generic/errno-base.h: what IPVS answers for a service it does not have
    private static final int ESRCH = 3;

    private final NetlinkSocket socket;
    private final int family;

    private IpvsClient(NetlinkSocket socket, int family) {
        this.socket = socket;
        this.family = family;
    }

    /**
     * Opens a NETLINK_GENERIC socket in the calling thread's network namespace and resolves the
     * IPVS family; the kernel loads ip_vs for that lookup if it can.
     *
     * @throws IpvsUnavailableException if the kernel has no IPVS and cannot load it
     */
    public static IpvsClient open() throws IOException {
        NetlinkSocket socket = NetlinkSocket.open(NETLINK_GENERIC);
        try {
            GenericFamily ipvs = GenericFamily.resolve(socket, IPVS_GENL_NAME)
                    .orElseThrow(() -> new IpvsUnavailableException(UNAVAILABLE));
            return new IpvsClient(socket, ipvs.id());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The kernel's IPVS version and connection table size (ipvsadm's first line). */
    public IpvsInfo info() throws IOException {
        return socket.query(IpvsRequests.info(message()), IpvsReplies::info, "get", "IPVS version")
                .orElseThrow(() -> noAnswer("IPVS_CMD_GET_INFO"));
    }

    public List<VirtualService> services() throws IOException {
        return socket.dump(IpvsRequests.listServices(message()), IpvsReplies::service, "list", "IPVS services");
    }

    /** The service named {@code key}, or empty if there is none. */
    public Optional<VirtualService> service(ServiceKey key) throws IOException {
        try {
            return socket.query(IpvsRequests.getService(message(), key), IpvsReplies::service, "get IPVS service",
                    key);
        } catch (NetlinkException e) {
            if (e.errno() == ESRCH) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates {@code service}; its stats are ignored. EEXIST if it exists; ENOENT for an unknown scheduler. */
    public void addService(VirtualService service) throws IOException {
        socket.execute(IpvsRequests.newService(message(), service), "add IPVS service", service.key());
    }

    /** Replaces the scheduler, flags, persistence timeout and netmask of the service named {@code service.key()}. */
    public void updateService(VirtualService service) throws IOException {
        socket.execute(IpvsRequests.setService(message(), service), "update IPVS service", service.key());
    }

    /** Deletes the service and its destinations; its existing connections expire on their own. */
    public void deleteService(ServiceKey key) throws IOException {
        socket.execute(IpvsRequests.deleteService(message(), key), "delete IPVS service", key);
    }

    /** The destinations of {@code key}; the kernel answers a missing service with none, not an error. */
    public List<RealServer> destinations(ServiceKey key) throws IOException {
        int serviceFamily = key.isFwmark() ? AF_INET : familyOf(key.address());
        return socket.dump(IpvsRequests.listDestinations(message(), key),
                reply -> IpvsReplies.destination(reply, serviceFamily), "list destinations of IPVS service", key);
    }

    /**
     * Adds {@code server} (its counts and stats are ignored) to the service named {@code key}.
     * EEXIST if it is there already; EINVAL for an IPv4 address this namespace has no route to (the
     * kernel wants a unicast or local address).
     */
    public void addDestination(ServiceKey key, RealServer server) throws IOException {
        socket.execute(IpvsRequests.newDestination(message(), key, server),
                "add IPVS destination " + HostPort.of(server.address(), server.port()) + " to", key);
    }

    /** Replaces the weight, forwarding method and thresholds of the destination at {@code server}'s address/port. */
    public void updateDestination(ServiceKey key, RealServer server) throws IOException {
        socket.execute(IpvsRequests.setDestination(message(), key, server),
                "update IPVS destination " + HostPort.of(server.address(), server.port()) + " of", key);
    }

    /**
     * Removes a destination. Its connections keep it, out of the service's list, until they end
     * (unless the expire_nodest_conn sysctl says otherwise).
     */
    public void deleteDestination(ServiceKey key, InetSocketAddress destination) throws IOException {
        InetAddress address = destination.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("destination " + destination + " is not resolved");
        }
        socket.execute(IpvsRequests.deleteDestination(message(), key, address, destination.getPort()),
                "delete IPVS destination " + HostPort.of(address, destination.getPort()) + " of", key);
    }

    public Timeouts timeouts() throws IOException {
        return socket.query(IpvsRequests.timeouts(message()), IpvsReplies::timeouts, "get", "IPVS timeouts")
                .orElseThrow(() -> noAnswer("IPVS_CMD_GET_CONFIG"));
    }

    /** Sets the namespace's timeouts; a 0 leaves that one unchanged. */
    public void setTimeouts(Timeouts timeouts) throws IOException {
        socket.execute(IpvsRequests.setTimeouts(message(), timeouts), "set IPVS timeouts",
                "tcp " + timeouts.tcp() + " tcpfin " + timeouts.tcpFin() + " udp " + timeouts.udp());
    }

    @Override
    public void close() {
        socket.close();
    }

    private NetlinkMessage message() {
        return socket.message(family, 0);
    }

    private static NetlinkParseException noAnswer(String command) {
        return new NetlinkParseException("the kernel acknowledged " + command + " without answering it");
    }
}
