package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;

/**
 * Where the switch writes a frame for a local port (a TAP in production, memory in tests). The sink
 * must not retain or release {@code buf}: the caller owns it and reuses it after the call returns.
 */
@FunctionalInterface
public interface FrameSink {
    /** @return false when the device refused the frame (counted as {@code TX_FAILED}) */
    boolean send(ByteBuf buf, int offset, int length);
}
