package io.trellis.ipvs;

import io.trellis.ipvs.libc.LibCHolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the running process may do to the kernel's network state. */
public final class Privileges {

    private static final Path OWN_NETNS = Path.of("/proc/self/ns/net");

    private Privileges() {
    }

    /** Whether the effective uid is 0; the real uid does not matter to the kernel's checks. */
    public static boolean isRoot() {
        return LibCHolder.LIBC.geteuid() == 0;
    }

    /**
     * Why this process cannot create network namespaces, or empty if it can. Root is used as a
     * stand-in for CAP_SYS_ADMIN, which both unshare(CLONE_NEWNET) and mount(2) demand.
     */
    public static Optional<String> missingForNetns() {
        if (!isRoot()) {
            return Optional.of("effective uid is " + LibCHolder.LIBC.geteuid() + ", not 0");
        }
        if (!Files.exists(OWN_NETNS)) {
            return Optional.of("the kernel has no network namespaces: " + OWN_NETNS + " is missing");
        }
        return Optional.empty();
    }
}
