package io.trellis.loadtest;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * Which addresses a load test may go to: loopback (127.0.0.0/8, ::1) and the running lab's nodes,
 * anything with {@code --allow-any-target}. A load generator pointed at someone else's address by a
 * typo is a flood; the check is on the resolved address, so a host name cannot get around it.
 */
public final class TargetPolicy {
    private final Set<InetAddress> labAddresses;
    private final boolean allowAny;

    public TargetPolicy(Set<InetAddress> labAddresses, boolean allowAny) {
        this.labAddresses = Set.copyOf(labAddresses);
        this.allowAny = allowAny;
    }

    /** @return why {@code address} is refused, or empty when it is allowed */
    public Optional<String> refusal(InetAddress address) {
        if (allowAny || address.isLoopbackAddress() || labAddresses.contains(address)) {
            return Optional.empty();
        }
        return Optional.of(address.getHostAddress() + " is neither loopback (127.0.0.0/8) nor a node of the running lab"
                + " (use --allow-any-target to load it anyway)");
    }
}
