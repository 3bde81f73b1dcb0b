package io.trellis.ipsec.keyring;

import io.trellis.ipsec.esp.SecurityAssociation;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * An immutable view of a node's SAs that the data plane reads without locks (swapped whole on every change): inbound SAs
 * sorted by SPI for a binary search that neither boxes nor allocates, outbound SAs by peer.
 */
final class SadSnapshot {
    static final SadSnapshot EMPTY = new SadSnapshot(new int[0], new SecurityAssociation[0], Map.of());

    private final int[] spis;
    private final SecurityAssociation[] inbound;
    private final Map<String, SecurityAssociation> outbound;

    private SadSnapshot(int[] spis, SecurityAssociation[] inbound, Map<String, SecurityAssociation> outbound) {
        this.spis = spis;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    /**
     * @throws IllegalStateException if two inbound SAs share an SPI (RFC 4301 §4.1: a receiver's SPIs
     *                               must be unique), naming both
     */
    static SadSnapshot of(Collection<SecurityAssociation> inboundSas, Map<String, SecurityAssociation> outbound) {
        SecurityAssociation[] sorted = inboundSas.toArray(new SecurityAssociation[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.spi(), b.spi()));
        int[] spis = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            spis[i] = sorted[i].spi();
            if (i > 0 && spis[i] == spis[i - 1]) {
                throw new IllegalStateException(sorted[i - 1] + " and " + sorted[i] + " have the same SPI:"
                        + " a receiver's SPIs must be unique, so replace one of the two keys with a new one");
            }
        }
        return new SadSnapshot(spis, sorted, Map.copyOf(outbound));
    }

    SecurityAssociation inbound(int spi) {
        int index = Arrays.binarySearch(spis, spi);
        return index >= 0 ? inbound[index] : null;
    }

    SecurityAssociation outbound(String peer) {
        return outbound.get(peer);
    }
}
