package io.trellis.daemon.lb;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.daemon.tools.SystemTools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The firewall marks that hand a task's packets for a VIP to IPVS, in the task's namespace. A VIP balances every
 * port and protocol of its address, which an IPVS service keyed by address and port cannot say; a firewall-mark
 * service can, as in Docker's swarm mode: one mangle rule per VIP in the chain {@value #CHAIN} (jumped to from
 * {@code OUTPUT}, so only the task's own packets are marked) sets the mark, and the IPVS service of that mark picks
 * the backend. The chain is rewritten whole with {@code iptables-restore --noflush}, which touches no other chain.
 */
final class VipMarks {
    static final String CHAIN = "TRELLIS-VIP";
    private static final int TIMEOUT_SECONDS = 10;

    private final SystemTools tools;

    VipMarks(SystemTools tools) {
        this.tools = tools;
    }

    /** The mark of a VIP: its address, unique on the node and never 0 (no VIP is 0.0.0.0). */
    static int markOf(int vip) {
        return vip;
    }

    /** Makes {@link #CHAIN} in {@code netns} mark exactly {@code vips}, and {@code OUTPUT} jump to it. */
    void apply(Path netns, Collection<Integer> vips) throws IOException {
        StringBuilder rules = new StringBuilder("*mangle\n:" + CHAIN + " - [0:0]\n-F " + CHAIN + "\n");
        for (int vip : vips) {
            rules.append("-A ").append(CHAIN).append(" -d ").append(Ipv4Subnet.format(vip))
                    .append("/32 -j MARK --set-mark 0x").append(Integer.toHexString(markOf(vip))).append('\n');
        }
        rules.append("COMMIT\n");
        String ns = "--net=" + netns;
        String restore = tools.resolve("iptables-restore").toString();
        String iptables = tools.resolve("iptables").toString();
        tools.run("nsenter", rules.toString(), TIMEOUT_SECONDS, ns, restore, "--noflush", "--wait");
        try {
            tools.run("nsenter", "", TIMEOUT_SECONDS, ns, iptables, "--wait", "-t", "mangle", "-C", "OUTPUT",
                    "-j", CHAIN);
        } catch (IOException absent) {
            tools.run("nsenter", "", TIMEOUT_SECONDS, ns, iptables, "--wait", "-t", "mangle", "-A", "OUTPUT",
                    "-j", CHAIN);
        }
    }
}
