package io.trellis.daemon.network;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The data path {@code --dataplane kernel|userspace|auto} gives on this host, with the one line that
 * says why. The kernel path has no user-space switch to balance VIPs, so it needs IPVS as well as
 * kernel VXLAN: {@code kernel} without either refuses to start, {@code auto} falls back to user space.
 * The probes are suppliers, asked only when the answer depends on them and IPVS first (it is cheap;
 * the VXLAN probe makes a device).
 *
 * @param path the data path to run
 * @param why  what to log at start
 */
public record DataPathChoice(DataPath path, String why) {
    /** What {@code --dataplane} accepts. */
    public enum Requested {
        KERNEL, USERSPACE, AUTO;

        /** @throws IllegalArgumentException naming the flag and its values */
        public static Requested parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid --dataplane " + text + ": must be kernel, userspace or auto");
            }
        }
    }

    /**
     * @throws IllegalStateException with the one line to refuse the start with, when {@code kernel} was
     *     asked for and the host lacks IPVS or kernel VXLAN
     */
    public static DataPathChoice resolve(Requested requested, Supplier<Capability> kernelVxlan,
                                         Supplier<Capability> ipvs) {
        switch (requested) {
            case USERSPACE:
                return new DataPathChoice(DataPath.USERSPACE, "data path: user space (--dataplane userspace)");
            case KERNEL: {
                Capability lb = ipvs.get();
                if (!lb.available()) {
                    throw new IllegalStateException("--dataplane kernel needs IPVS for VIPs (--lb ipvs): " + lb.reason());
                }
                Capability vxlan = kernelVxlan.get();
                if (!vxlan.available()) {
                    throw new IllegalStateException("--dataplane kernel needs kernel VXLAN and bridge devices: "
                            + vxlan.reason());
                }
                return new DataPathChoice(DataPath.KERNEL, "data path: kernel bridge + VXLAN (--dataplane kernel)");
            }
            default: {
                Capability lb = ipvs.get();
                if (!lb.available()) {
                    return new DataPathChoice(DataPath.USERSPACE,
                            "data path: user space (--dataplane auto: no IPVS for VIPs: " + lb.reason() + ")");
                }
                Capability vxlan = kernelVxlan.get();
                if (!vxlan.available()) {
                    return new DataPathChoice(DataPath.USERSPACE,
                            "data path: user space (--dataplane auto: no kernel VXLAN: " + vxlan.reason() + ")");
                }
                return new DataPathChoice(DataPath.KERNEL,
                        "data path: kernel bridge + VXLAN (--dataplane auto: kernel VXLAN and IPVS are there)");
            }
        }
    }
}
