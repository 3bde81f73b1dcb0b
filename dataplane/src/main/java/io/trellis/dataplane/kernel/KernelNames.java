package io.trellis.dataplane.kernel;

import java.util.regex.Pattern;

/**
 * The names of the devices the kernel path makes in the agent's namespace: short (at most 15
 * characters, IFNAMSIZ), derived from the VNI and the endpoint's address only, so a restarted agent
 * finds the same names, and with a prefix of their own, so its leftovers are told apart from anything
 * else on the host.
 */
public final class KernelNames {
    /** Every device the kernel path makes starts with it. */
    public static final String PREFIX = "tk";
    private static final Pattern OURS = Pattern.compile("tk[bv][0-9a-f]{6}|tke[0-9a-f]{12}");

    private KernelNames() {
    }

    /** The network's bridge: {@code tkb} and the VNI as six hex digits. */
    public static String bridge(int vni) {
        return PREFIX + "b" + hex6(vni);
    }

    /** The network's VXLAN device: {@code tkv} and the VNI. */
    public static String vxlan(int vni) {
        return PREFIX + "v" + hex6(vni);
    }

    /**
     * The agent's end of a task's veth: {@code tke}, the VNI and the low 24 bits of the address (an
     * overlay subnet is never wider than a /8, so they tell its endpoints apart).
     */
    public static String veth(int vni, int ipv4) {
        return PREFIX + "e" + hex6(vni) + hex6(ipv4);
    }

    /** Whether {@code name} is one {@link #bridge}, {@link #vxlan} or {@link #veth} would give. */
    public static boolean isOurs(String name) {
        return OURS.matcher(name).matches();
    }

    private static String hex6(int value) {
        String h = Integer.toHexString(value & 0xFF_FFFF);
        return "000000".substring(h.length()) + h;
    }
}
