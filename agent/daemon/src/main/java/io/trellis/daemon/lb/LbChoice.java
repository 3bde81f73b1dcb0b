package io.trellis.daemon.lb;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code --lb ipvs|userspace|auto} comes to on this node. {@code ipvs} insists: without IPVS the agent refuses
 * to start. {@code auto} takes IPVS where it answers and says once, in {@link #reason}, why it did not.
 *
 * @param reason     the log line explaining the choice
 * @param notKernel  why VIPs are not balanced in the kernel, or null when they are
 */
public record LbChoice(LbMode mode, String reason, String notKernel) {
    /**
     * User space until a whole agent has been run with IPVS on a kernel that has it: so far IPVS is verified with
     * the balancer's own parts in a VM (docs/ipvs.md), and {@code auto} would switch hosts with IPVS to it silently.
     */
    public static final String DEFAULT = "userspace";

    /**
     * @param ipvsMissing why IPVS cannot be used here, or empty if it can; asked only when it matters
     * @throws IllegalArgumentException one line: an unknown value, or {@code ipvs} where IPVS is missing
     */
    public static LbChoice resolve(String requested, Supplier<Optional<String>> ipvsMissing) {
        switch (requested) {
            case "userspace":
                return new LbChoice(LbMode.USERSPACE, "VIPs are balanced in user space (--lb userspace)",
                        "--lb is userspace");
            case "ipvs": {
                Optional<String> missing = ipvsMissing.get();
                if (missing.isPresent()) {
                    throw new IllegalArgumentException("--lb ipvs: " + missing.get());
                }
                return new LbChoice(LbMode.IPVS, "VIPs are balanced by IPVS (--lb ipvs)", null);
            }
            case "auto": {
                Optional<String> missing = ipvsMissing.get();
                if (missing.isPresent()) {
                    return new LbChoice(LbMode.USERSPACE, "VIPs are balanced in user space: " + missing.get(),
                            missing.get());
                }
                return new LbChoice(LbMode.IPVS, "VIPs are balanced by IPVS (--lb auto found it)", null);
            }
            default:
                throw new IllegalArgumentException("--lb must be ipvs, userspace or auto, not '" + requested + "'");
        }
    }
}
