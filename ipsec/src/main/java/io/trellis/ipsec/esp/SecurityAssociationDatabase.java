package io.trellis.ipsec.esp;

/**
 * Where {@link EspInbound} finds the inbound SA of a packet by its SPI (RFC 4301 §4.4.2: the SAD,
 * RFC 4303 §3.4.2: unicast SAs are selected by SPI alone). The key ring implements it over an
 * immutable snapshot; tests pass a lambda.
 */
@FunctionalInterface
public interface SecurityAssociationDatabase {
    /** The inbound SA with this SPI, or null. Called once per packet: must neither block nor allocate. */
    SecurityAssociation inbound(int spi);
}
