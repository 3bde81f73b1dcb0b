package io.trellis.lab;

import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lab's underlay: a hub namespace holding a bridge, and one namespace per node wired to it by a
 * veth pair. Everything lives in namespaces the lab creates, so no lab packet can leave the host.
 * Namespaces are pinned under /run/netns so {@code ip netns} shows them to admins.
 *
 * <p>Links are made over our own rtnetlink socket ({@link RtNetlink}), opened inside the namespace
 * it acts on: the product never runs iproute2.
 */
final class LabNetwork {
    static final Path NETNS_DIR = Path.of("/run/netns");
    static final String HUB = "trellis-lab";
    static final String NODE_PREFIX = "trellis-";
    static final String SUBNET_PREFIX = "172.30.0.";
    static final int PREFIX_LENGTH = 24;
    static final String BRIDGE = "br0";
    /** The node's end of its veth pair, named like a host's first NIC. */
    static final String NODE_LINK = "eth0";

    private LabNetwork() {
    }

    static String namespaceOf(String node) {
        return NODE_PREFIX + node;
    }

    static Path pathOf(String namespace) {
        return NETNS_DIR.resolve(namespace);
    }

    static String addressOf(int index) {
        return SUBNET_PREFIX + (10 + index);
    }

    /** The hub's end of a node's veth pair: the bridge port that {@link #partition} pulls. */
    static String hubLinkOf(String node) {
        return "v" + node;
    }

    static void createHub() throws IOException {
        Files.createDirectories(NETNS_DIR);
        NetworkNamespace.create(pathOf(HUB));
        inNamespace(HUB, rt -> {
            rt.setUp("lo");
            rt.createBridge(BRIDGE);
            rt.setUp(BRIDGE);
        });
    }

    static void createNode(String node, int index) throws IOException {
        String ns = namespaceOf(node);
        Path nodePath = pathOf(ns);
        NetworkNamespace.create(nodePath);
        String hubSide = hubLinkOf(node);
        // Created in the hub with the peer born in the node: nothing ever appears in the host namespace.
        inNamespace(HUB, rt -> {
            rt.createVeth(hubSide, NODE_LINK, nodePath);
            rt.setMaster(hubSide, BRIDGE);
            rt.setUp(hubSide);
        });
        InetAddress address = InetAddress.getByName(addressOf(index));
        inNamespace(ns, rt -> {
            rt.setUp("lo");
            rt.addAddress(NODE_LINK, address, PREFIX_LENGTH);
            rt.setUp(NODE_LINK);
        });
    }

    /**
     * Cuts a node off the underlay by taking its bridge port down in the hub, like pulling its cable
     * at the switch: the node keeps its address and routes, its packets just go nowhere.
     */
    static void partition(String node) throws IOException {
        inNamespace(HUB, rt -> rt.setDown(hubLinkOf(node)));
    }

    static void heal(String node) throws IOException {
        inNamespace(HUB, rt -> rt.setUp(hubLinkOf(node)));
    }

    /** Read from the kernel rather than remembered, so it stays true whoever changed the link. */
    static boolean isPartitioned(String node) throws IOException {
        return queryIn(HUB, rt -> rt.link(hubLinkOf(node)).map(link -> !link.isUp()).orElse(true));
    }

    /** Deletes the lab's namespaces (their veths and bridge go with them); idempotent. */
    static void deleteAll() throws IOException {
        if (!Files.isDirectory(NETNS_DIR)) {
            return;
        }
        try (var files = Files.list(NETNS_DIR)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.equals(HUB) || name.matches(NODE_PREFIX + "node[0-9]+")) {
                    NetworkNamespace.delete(p);
                }
            }
        }
    }

    @FunctionalInterface
    private interface LinkChange {
        void apply(RtNetlink rt) throws IOException;
    }

    @FunctionalInterface
    private interface LinkQuery<T> {
        T apply(RtNetlink rt) throws IOException;
    }

    private static void inNamespace(String namespace, LinkChange change) throws IOException {
        queryIn(namespace, rt -> {
            change.apply(rt);
            return null;
        });
    }

    /** Runs {@code query} over a netlink socket opened inside {@code namespace}, so it acts there. */
    private static <T> T queryIn(String namespace, LinkQuery<T> query) throws IOException {
        try {
            return NetworkNamespace.open(pathOf(namespace)).call(() -> {
                try (RtNetlink rt = RtNetlink.open()) {
                    return query.apply(rt);
                }
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
