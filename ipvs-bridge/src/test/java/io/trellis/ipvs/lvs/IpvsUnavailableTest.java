package io.trellis.ipvs.lvs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** On a kernel without ip_vs (built in, loaded or loadable), opening the client says so in one line. */
class IpvsUnavailableTest {

    @Test
    void openOnAKernelWithoutIpvsThrowsWithTheReason() throws IOException {
        Assumptions.assumeTrue(Privileges.isRoot(), "needs root to manage IPVS");
        Optional<String> ipvs = ipvsPresent();
        Assumptions.assumeTrue(ipvs.isEmpty(), () -> "this kernel has IPVS (" + ipvs.orElseThrow() + ")");

        assertThatThrownBy(IpvsClient::open)
                .isInstanceOf(IpvsUnavailableException.class)
                .hasMessage("IPVS is not available in this kernel (no ip_vs module: generic netlink family IPVS"
                        + " not found)");
    }

    /** Why the running kernel has IPVS, judged without asking netlink (which is what is tested). */
    private static Optional<String> ipvsPresent() throws IOException {
        if (Files.exists(Path.of("/sys/module/ip_vs"))) {
            return Optional.of("/sys/module/ip_vs exists");
        }
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        Path modules = Path.of("/lib/modules", release, "modules.dep");
        if (Files.exists(modules) && Files.readString(modules).contains("/ip_vs.ko")) {
            return Optional.of(modules + " lists ip_vs.ko");
        }
        return Optional.empty();
    }
}
