package io.trellis.controlplane.allocator;

import java.util.BitSet;
import java.util.OptionalInt;

/** Used host addresses of one subnet; {@link #take} hands out the lowest free one. */
public final class AddressSet {
    private final Ipv4Subnet subnet;
    private final BitSet used = new BitSet();

    public AddressSet(Ipv4Subnet subnet) {
        this.subnet = subnet;
    }

    public void add(int address) {
        if (subnet.contains(address)) {
            used.set(address - subnet.network());
        }
    }

    public boolean contains(int address) {
        return subnet.contains(address) && used.get(address - subnet.network());
    }

    /** Marks and returns the lowest free host address (never the network or broadcast address). */
    public OptionalInt take() {
        int hosts = (int) Math.min(subnet.size() - 1, Integer.MAX_VALUE);
        int offset = used.nextClearBit(1);
        if (offset >= hosts) {
            return OptionalInt.empty();
        }
        used.set(offset);
        return OptionalInt.of(subnet.network() + offset);
    }

    /** Free host addresses left. */
    public long free() {
        return subnet.size() - 2 - used.cardinality();
    }
}
