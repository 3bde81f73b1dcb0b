package io.trellis.daemon.lb;

import io.trellis.daemon.tools.SystemTools;
import io.trellis.ipvs.netlink.IpPrefix;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The road from this node's namespace into its ingress sandbox that IPVS needs for published ports: IPVS rewrites a
 * client's packet to a task's ingress address in the node's own namespace, and the packet must then reach the
 * ingress overlay, which only the sandbox is on. So: a veth pair ({@value #HOST_END} here, {@value #SANDBOX_END} in
 * the sandbox, a link-local /30), a route to the ingress subnet through the sandbox, forwarding on in both, and in
 * the sandbox a masquerade of what leaves on the overlay. The masquerade is what brings a task's answer back
 * through this node (as Docker's ingress sandbox does): without it the task would answer the client directly, from
 * the wrong address. The veth and the route vanish with the sandbox.
 */
public final class IngressLink {
    static final String HOST_END = "trellis-ing";
    static final String SANDBOX_END = "host0";
    private static final int TIMEOUT_SECONDS = 10;
    private static final InetAddress HOST_ADDRESS = address("169.254.77.1");
    private static final InetAddress SANDBOX_ADDRESS = address("169.254.77.2");

    private final SystemTools tools;

    IngressLink(SystemTools tools) {
        this.tools = tools;
    }

    /** Makes the link to {@code sandbox}, whose overlay interface is {@code overlayIf} on {@code subnet}. */
    public void connect(Path sandbox, String subnet, String overlayIf) throws IOException {
        try (RtNetlink nl = RtNetlink.open()) {
            if (nl.linkIndex(HOST_END).isPresent()) {
                nl.deleteLink(HOST_END); // a previous sandbox's, whose namespace outlived its agent
            }
            nl.createVeth(HOST_END, SANDBOX_END, sandbox);
            nl.addAddress(HOST_END, HOST_ADDRESS, 30);
            nl.setUp(HOST_END);
            nl.addRoute(IpPrefix.parse(subnet), SANDBOX_ADDRESS, HOST_END);
        }
        inSandbox(sandbox);
        tools.run("sysctl", "", TIMEOUT_SECONDS, "-qw", "net.ipv4.ip_forward=1");
        String ns = "--net=" + sandbox;
        tools.run("nsenter", "", TIMEOUT_SECONDS, ns, tools.resolve("sysctl").toString(), "-qw",
                "net.ipv4.ip_forward=1");
        String iptables = tools.resolve("iptables").toString();
        try {
            tools.run("nsenter", "", TIMEOUT_SECONDS, ns, iptables, "--wait", "-t", "nat", "-C", "POSTROUTING",
                    "-o", overlayIf, "-j", "MASQUERADE");
        } catch (IOException absent) {
            tools.run("nsenter", "", TIMEOUT_SECONDS, ns, iptables, "--wait", "-t", "nat", "-A", "POSTROUTING",
                    "-o", overlayIf, "-j", "MASQUERADE");
        }
    }

    private static void inSandbox(Path sandbox) throws IOException {
        try {
            NetworkNamespace.open(sandbox).call(() -> {
                try (RtNetlink nl = RtNetlink.open()) {
                    nl.addAddress(SANDBOX_END, SANDBOX_ADDRESS, 30);
                    nl.setUp(SANDBOX_END);
                    nl.addRoute(IpPrefix.parse("0.0.0.0/0"), HOST_ADDRESS, SANDBOX_END);
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the ingress link in " + sandbox + ": " + e.getMessage(), e);
        }
    }

    /** Whether an address is this link's own, which IPVS must not publish ports on. */
    static boolean isOwn(InetAddress a) {
        return a.equals(HOST_ADDRESS);
    }

    private static InetAddress address(String dotted) {
        try {
            return InetAddress.getByName(dotted);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a literal never needs a lookup
        }
    }
}
