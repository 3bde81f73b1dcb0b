package io.trellis.agent.lab;

import io.trellis.ipvs.link.InterfaceFlags;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lab's underlay: a hub namespace holding a bridge, and one namespace per node wired to it by a
 * veth pair. Everything lives in namespaces the lab creates, so no lab packet can leave the host.
 * Namespaces are pinned under /run/netns so {@code ip netns} shows them to admins.
 *
 * <p>Links are made with iproute2 for now; the data-plane issue brings our own rtnetlink binding,
 * which will replace these calls.
 */
final class LabNetwork {
    static final Path NETNS_DIR = Path.of("/run/netns");
    static final String HUB = "trellis-lab";
    static final String NODE_PREFIX = "trellis-";
    static final String SUBNET_PREFIX = "172.30.0.";
    static final int PREFIX_LENGTH = 24;

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

    static void createHub() throws IOException {
        Files.createDirectories(NETNS_DIR);
        NetworkNamespace hub = NetworkNamespace.create(pathOf(HUB));
        upLoopback(hub);
        Shell.run(List.of("ip", "-n", HUB, "link", "add", "br0", "type", "bridge"));
        Shell.run(List.of("ip", "-n", HUB, "link", "set", "br0", "up"));
    }

    static void createNode(String node, int index) throws IOException {
        String ns = namespaceOf(node);
        NetworkNamespace nodeNs = NetworkNamespace.create(pathOf(ns));
        upLoopback(nodeNs);
        String hubSide = "v" + node;
        // Created in the hub, then one end moved to the node: nothing ever appears in the host namespace.
        Shell.run(List.of("ip", "-n", HUB, "link", "add", hubSide, "type", "veth", "peer", "name", "eth0",
                "netns", ns));
        Shell.run(List.of("ip", "-n", HUB, "link", "set", hubSide, "master", "br0", "up"));
        Shell.run(List.of("ip", "-n", ns, "addr", "add", addressOf(index) + "/" + PREFIX_LENGTH, "dev", "eth0"));
        Shell.run(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
    }

    private static void upLoopback(NetworkNamespace ns) throws IOException {
        try {
            ns.call(() -> {
                InterfaceFlags.setUp("lo");
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
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
}
