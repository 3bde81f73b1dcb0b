package io.trellis.ipvs.netlink;

import java.io.IOException;

/**
 * A reply that does not follow the netlink wire format: a length that overruns its buffer, a
 * header too short for its struct, an attribute of the wrong size. The only exception parsing
 * throws, whatever the bytes, so a kernel bug or a stray datagram cannot surface as an
 * {@link IndexOutOfBoundsException} deep in a caller.
 */
public final class NetlinkParseException extends IOException {

    public NetlinkParseException(String detail) {
        super("malformed netlink reply: " + detail);
    }
}
