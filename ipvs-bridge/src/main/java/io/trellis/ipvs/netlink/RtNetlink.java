package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.LinkCodec.IFLA_ADDRESS;
import static io.trellis.ipvs.netlink.LinkCodec.IFLA_GSO_MAX_SEGS;
import static io.trellis.ipvs.netlink.LinkCodec.IFLA_IFNAME;
import static io.trellis.ipvs.netlink.LinkCodec.IFLA_MASTER;
import static io.trellis.ipvs.netlink.LinkCodec.IFLA_MTU;
import static io.trellis.ipvs.netlink.LinkCodec.IFLA_NET_NS_FD;
import static io.trellis.ipvs.netlink.LinkCodec.RTM_DELLINK;
import static io.trellis.ipvs.netlink.LinkCodec.RTM_GETLINK;
import static io.trellis.ipvs.netlink.LinkCodec.RTM_NEWLINK;
import static io.trellis.ipvs.netlink.LinkCodec.RTM_SETLINK;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_BRIDGE;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_UNSPEC;
import static io.trellis.ipvs.netlink.NetlinkConstants.ENODEV;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_APPEND;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_CREATE;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_EXCL;

import io.trellis.ipvs.NativeException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Links, addresses, routes, neighbours and FDB entries of one network namespace over rtnetlink:
 * what {@code ip link/addr/route/neigh} and {@code bridge fdb} do, without running them.
 *
 * <p>It acts on the namespace of the thread that called {@link #open()} (see
 * {@link NetlinkSocket}): open it inside {@link io.trellis.ipvs.netns.NetworkNamespace#call} to
 * manage another namespace. Names are resolved through the same socket, never with
 * if_nametoindex(3), which would look in the calling thread's namespace instead.
 *
 * <p>Each method is one request, plus one to turn a name into an ifindex where the message needs
 * an index. Failures are {@link NetlinkException}s naming the operation and its target. Creations
 * are exclusive, like {@code ip link add}: an existing object gives EEXIST. Not thread-safe.
 */
public final class RtNetlink implements AutoCloseable {

    private final NetlinkSocket socket;

    private RtNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static RtNetlink open() throws NativeException {
        return new RtNetlink(NetlinkSocket.open());
    }

    // Links

    /** The ifindex of {@code name}, or empty if there is no such link. */
    public OptionalInt linkIndex(String name) throws IOException {
        return link(name).map(link -> OptionalInt.of(link.index())).orElse(OptionalInt.empty());
    }

    public Optional<Link> link(String name) throws IOException {
        return emptyIfNoDevice(() -> queryLink(LinkCodec.select(socket.message(RTM_GETLINK, 0), name), name));
    }

    public Optional<Link> link(int index) throws IOException {
        return emptyIfNoDevice(() -> queryLink(LinkCodec.select(socket.message(RTM_GETLINK, 0), index), index));
    }

    public List<Link> listLinks() throws IOException {
        NetlinkMessage request = socket.message(RTM_GETLINK, 0).ifinfomsg(AF_UNSPEC, 0, 0, 0);
        return socket.dump(request, LinkCodec::parse, "list", "links");
    }

    public void setUp(String name) throws IOException {
        socket.execute(LinkCodec.upFlag(socket.message(RTM_SETLINK, 0), 0, name, true), "bring up link", name);
    }

    public void setUp(int index) throws IOException {
        socket.execute(LinkCodec.upFlag(socket.message(RTM_SETLINK, 0), index, null, true), "bring up link", index);
    }

    public void setDown(String name) throws IOException {
        socket.execute(LinkCodec.upFlag(socket.message(RTM_SETLINK, 0), 0, name, false), "bring down link", name);
    }

    public void setDown(int index) throws IOException {
        socket.execute(LinkCodec.upFlag(socket.message(RTM_SETLINK, 0), index, null, false), "bring down link", index);
    }

    /** Out-of-range values fail with EINVAL and the kernel's reason (its min/max MTU). */
    public void setMtu(String name, int mtu) throws IOException {
        socket.execute(setLink(name).putU32(IFLA_MTU, mtu), "set MTU " + mtu + " on link", name);
    }

    /**
     * Caps the segments of one GSO packet the kernel hands to {@code name} (gso_max_segs, what
     * {@code ip link set NAME gso_max_segs N} sets; the kernel's TCP sizes its TSO packets to it).
     * Values above the device's tso_max_segs fail with EINVAL.
     */
    public void setGsoMaxSegments(String name, int segments) throws IOException {
        socket.execute(setLink(name).putU32(IFLA_GSO_MAX_SEGS, segments), "set gso_max_segs " + segments + " on link", name);
    }

    /** Attaches {@code name} to the bridge (or bond, VRF) {@code master}. */
    public void setMaster(String name, String master) throws IOException {
        int masterIndex = index(master);
        socket.execute(setLink(name).putU32(IFLA_MASTER, masterIndex), "set master " + master + " on link", name);
    }

    public void setAddress(String name, MacAddress mac) throws IOException {
        socket.execute(setLink(name).putBytes(IFLA_ADDRESS, mac.bytes()), "set MAC " + mac + " on link", name);
    }

    /**
     * Renames a link, keeping its ifindex; the kernel refuses (EBUSY) while it is up. Sent by index:
     * with one, RTM_SETLINK reads IFLA_IFNAME as the new name.
     */
    public void rename(String name, String newName) throws IOException {
        int index = index(name);
        NetlinkMessage request = LinkCodec.select(socket.message(RTM_SETLINK, 0), index);
        socket.execute(request.putString(IFLA_IFNAME, newName), "set name " + newName + " on link", name);
    }

    /**
     * Moves a link into the namespace that {@code namespaceFd} (an open namespace file, still the
     * caller's) refers to. The link keeps its name (EEXIST if the target has one of that name), may
     * get another ifindex, arrives down and without its addresses and routes.
     */
    public void moveToNamespace(String name, int namespaceFd) throws IOException {
        socket.execute(setLink(name).putU32(IFLA_NET_NS_FD, namespaceFd),
                "set network namespace fd " + namespaceFd + " on link", name);
    }

    /** {@link #moveToNamespace(String, int)} for the namespace pinned on {@code namespace}. */
    public void moveToNamespace(String name, Path namespace) throws IOException {
        try (NamespaceFile file = NamespaceFile.open(namespace)) {
            socket.execute(setLink(name).putU32(IFLA_NET_NS_FD, file.fd()),
                    "set network namespace " + namespace + " on link", name);
        }
    }

    /** Deletes a link; deleting one end of a veth pair deletes both. */
    public void deleteLink(String name) throws IOException {
        socket.execute(LinkCodec.select(socket.message(RTM_DELLINK, 0), name), "delete link", name);
    }

    public void deleteLink(int index) throws IOException {
        socket.execute(LinkCodec.select(socket.message(RTM_DELLINK, 0), index), "delete link", index);
    }

    // Link creation

    /** Fails with EOPNOTSUPP ("Unknown device type") on kernels built without CONFIG_DUMMY. */
    public void createDummy(String name) throws IOException {
        socket.execute(LinkCodec.create(newLink(), name, "dummy"), "create link", name);
    }

    public void createBridge(String name) throws IOException {
        socket.execute(LinkCodec.create(newLink(), name, "bridge"), "create link", name);
    }

    /**
     * A veth pair {@code name} – {@code peerName}, the peer created directly in the namespace pinned
     * on {@code peerNamespace}, or beside {@code name} if that is {@code null}.
     */
    public void createVeth(String name, String peerName, Path peerNamespace) throws IOException {
        if (peerNamespace == null) {
            socket.execute(LinkCodec.createVeth(newLink(), name, peerName, -1), "create link",
                    name + " with peer " + peerName);
            return;
        }
        try (NamespaceFile file = NamespaceFile.open(peerNamespace)) {
            socket.execute(LinkCodec.createVeth(newLink(), name, peerName, file.fd()), "create link",
                    name + " with peer " + peerName + " in " + peerNamespace);
        }
    }

    public void createVxlan(String name, VxlanSpec spec) throws IOException {
        int underlayIndex = spec.underlay() == null ? 0 : index(spec.underlay());
        socket.execute(LinkCodec.createVxlan(newLink(), name, spec, underlayIndex), "create link", name);
    }

    // Addresses

    public void addAddress(String name, InetAddress address, int prefixLength) throws IOException {
        IpPrefix prefix = new IpPrefix(address, prefixLength);
        int index = index(name);
        NetlinkMessage request = socket.message(AddressCodec.RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        socket.execute(AddressCodec.address(request, index, prefix), "add address " + prefix + " to link", name);
    }

    public void deleteAddress(String name, InetAddress address, int prefixLength) throws IOException {
        IpPrefix prefix = new IpPrefix(address, prefixLength);
        int index = index(name);
        NetlinkMessage request = socket.message(AddressCodec.RTM_DELADDR, 0);
        socket.execute(AddressCodec.address(request, index, prefix), "delete address " + prefix + " from link", name);
    }

    /** IPv4 and IPv6 addresses of {@code name}, IPv6 ones still in duplicate detection included. */
    public List<LinkAddress> listAddresses(String name) throws IOException {
        int index = index(name);
        NetlinkMessage request = socket.message(AddressCodec.RTM_GETADDR, 0).ifaddrmsg(AF_UNSPEC, 0, 0, 0, 0);
        return socket.dump(request, reply -> {
            LinkAddress address = AddressCodec.parse(reply);
            return address != null && address.index() == index ? address : null;
        }, "list addresses of link", name);
    }

    // Routes

    /**
     * Adds a unicast route to the main table, like {@code ip route add}. At least one of
     * {@code gateway} and {@code dev} must be given; a gateway must be reachable on a link that is up.
     */
    public void addRoute(IpPrefix destination, InetAddress gateway, String dev) throws IOException {
        if (gateway == null && dev == null) {
            throw new IllegalArgumentException("route to " + destination + " needs a gateway, a device or both");
        }
        RouteCodec.checkGateway(destination, gateway);
        int index = dev == null ? 0 : index(dev);
        NetlinkMessage request = socket.message(RouteCodec.RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
        socket.execute(RouteCodec.add(request, destination, gateway, index), "add route",
                RouteCodec.describe(destination, gateway, dev));
    }

    /** Deletes the main-table route to {@code destination}, matching {@code gateway} and {@code dev} if given. */
    public void deleteRoute(IpPrefix destination, InetAddress gateway, String dev) throws IOException {
        RouteCodec.checkGateway(destination, gateway);
        int index = dev == null ? 0 : index(dev);
        NetlinkMessage request = socket.message(RouteCodec.RTM_DELROUTE, 0);
        socket.execute(RouteCodec.delete(request, destination, gateway, index), "delete route",
                RouteCodec.describe(destination, gateway, dev));
    }

    /** IPv4 and IPv6 routes of the main table. */
    public List<Route> listRoutes() throws IOException {
        NetlinkMessage request = socket.message(RouteCodec.RTM_GETROUTE, 0).rtmsg(AF_UNSPEC, 0, 0, 0, 0, 0);
        return socket.dump(request, RouteCodec::parse, "list", "routes of the main table");
    }

    // Neighbours

    /**
     * Adds an ARP (IPv4) or NDP (IPv6) entry, like {@code ip neigh add}: a permanent one never
     * expires; another starts reachable and then ages like a learnt one.
     */
    public void addNeighbour(String dev, InetAddress address, MacAddress mac, boolean permanent) throws IOException {
        int index = index(dev);
        int state = permanent ? NeighbourCodec.NUD_PERMANENT : NeighbourCodec.NUD_REACHABLE;
        NetlinkMessage request = socket.message(NeighbourCodec.RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL);
        socket.execute(NeighbourCodec.neighbour(request, index, address, mac, state),
                "add neighbour " + address.getHostAddress() + " lladdr " + mac + " on link", dev);
    }

    public void deleteNeighbour(String dev, InetAddress address) throws IOException {
        int index = index(dev);
        NetlinkMessage request = socket.message(NeighbourCodec.RTM_DELNEIGH, 0);
        socket.execute(NeighbourCodec.neighbour(request, index, address, null, 0),
                "delete neighbour " + address.getHostAddress() + " on link", dev);
    }

    // Forwarding database

    /**
     * Adds {@code remote} as a VTEP for {@code mac} in the FDB of VXLAN device {@code dev}, keeping
     * the remotes it has: {@code bridge fdb append}. For {@link MacAddress#ZERO}, unknown and
     * broadcast frames then go to every remote so appended (head-end replication).
     */
    public void appendFdb(String dev, MacAddress mac, Inet4Address remote) throws IOException {
        int index = index(dev);
        NetlinkMessage request = socket.message(NeighbourCodec.RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND);
        socket.execute(NeighbourCodec.fdb(request, index, mac, remote),
                "append FDB entry " + mac + " dst " + remote.getHostAddress() + " to link", dev);
    }

    /** Removes one remote of {@code mac}; the others stay. */
    public void deleteFdb(String dev, MacAddress mac, Inet4Address remote) throws IOException {
        int index = index(dev);
        NetlinkMessage request = socket.message(NeighbourCodec.RTM_DELNEIGH, 0);
        socket.execute(NeighbourCodec.fdb(request, index, mac, remote),
                "delete FDB entry " + mac + " dst " + remote.getHostAddress() + " from link", dev);
    }

    /** The FDB entries held by {@code dev} itself, one per (MAC, remote) pair. */
    public List<FdbEntry> listFdb(String dev) throws IOException {
        int index = index(dev);
        NetlinkMessage request = socket.message(NeighbourCodec.RTM_GETNEIGH, 0).ndmsg(AF_BRIDGE, 0, 0, 0);
        return socket.dump(request, reply -> {
            FdbEntry entry = NeighbourCodec.parseFdb(reply);
            return entry != null && entry.index() == index ? entry : null;
        }, "list FDB entries of link", dev);
    }

    @Override
    public void close() {
        socket.close();
    }

    /** The ifindex of {@code name}; a missing link fails with ENODEV naming it. */
    private int index(String name) throws IOException {
        return queryLink(LinkCodec.select(socket.message(RTM_GETLINK, 0), name), name).index();
    }

    private Link queryLink(NetlinkMessage request, Object link) throws IOException {
        return socket.query(request, LinkCodec::parse, "find link", link).orElseThrow(
                () -> new NetlinkParseException("the kernel acknowledged RTM_GETLINK for " + link + " without a link"));
    }

    private NetlinkMessage setLink(String name) {
        return LinkCodec.select(socket.message(RTM_SETLINK, 0), name);
    }

    private NetlinkMessage newLink() {
        return socket.message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    }

    /** A lookup by name or index reports a missing link as ENODEV: an answer, not a failure. */
    private static <T> Optional<T> emptyIfNoDevice(LinkLookup<T> lookup) throws IOException {
        try {
            return Optional.of(lookup.get());
        } catch (NetlinkException e) {
            if (e.errno() == ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface LinkLookup<T> {
        T get() throws IOException;
    }
}
