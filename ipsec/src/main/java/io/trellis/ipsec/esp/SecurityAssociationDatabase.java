package io.trellis.ipsec.esp;

import java.util.List;

/**
 * Where {@link EspInbound} finds the inbound SA of a packet by its SPI (RFC 4301 §4.4.2: the SAD,
 * RFC 4303 §3.4.2: unicast SAs are selected by SPI alone). The key ring implements it over an
 * immutable snapshot; tests pass a lambda.
 *
 * <p>Trellis senders pick their SPI at random when they create an SA, and the SA's key is derived
 * from it (docs/encryption.md §3), so a receiver meets a peer's new SA as an unknown SPI. It then asks
 * for {@link #candidates}, verifies the packet with each, and {@link #adopt adopts} the one that
 * verifies; nothing is installed for a packet that does not.
 */
@FunctionalInterface
public interface SecurityAssociationDatabase {
    /** The inbound SA with this SPI, or null. Called once per packet: must neither block nor allocate. */
    SecurityAssociation inbound(int spi);

    /**
     * SAs a known peer may have created with this unknown SPI: one per installed key (for
     * {@code source}'s peer if it is one, else for every peer). Empty if the SPI was retired or no key
     * is installed. Slow path (derives keys): only for SPIs {@link #inbound} does not know.
     *
     * @param source the node name of the packet's sender as the transport sees it, or null
     */
    default List<SecurityAssociation> candidates(int spi, String source) {
        return List.of();
    }

    /**
     * Installs {@code sa}, one of {@link #candidates}, after a packet with sequence number
     * {@code sequenceNumber} verified under it. Returns false, installing nothing, if it may not be
     * adopted: it is no longer a candidate, or it is older than the SA it would replace (a replay of a
     * peer's earlier SA).
     */
    default boolean adopt(SecurityAssociation sa, long sequenceNumber) {
        return false;
    }
}
