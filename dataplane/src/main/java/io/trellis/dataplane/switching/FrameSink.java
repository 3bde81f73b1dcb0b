package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;

/**
 * Where the switch writes frames for a local port (a TAP in production, memory in tests). A sink
 * must not retain or release the buffers it is given: the caller owns them and reuses them after
 * the call returns.
 */
@FunctionalInterface
public interface FrameSink {
    /** The virtio-net header that TAPs opened with IFF_VNET_HDR put before every frame. */
    int VNET_HEADER_LENGTH = 12;

    /** A plain frame, from any thread. @return false when the device refused it */
    boolean send(ByteBuf buf, int offset, int length);

    /**
     * A frame with its virtio-net header in front ({@code length} includes the header), from any
     * thread: a GSO frame from one local TAP goes to another one as it is.
     */
    default boolean sendVnet(ByteBuf buf, int vnetOffset, int length) {
        return send(buf, vnetOffset + VNET_HEADER_LENGTH, length - VNET_HEADER_LENGTH);
    }

    /**
     * A frame that arrived from a remote VTEP, called only from the VTEP's receive thread; the sink
     * may hold it back to coalesce it with the next ones until {@link #flush()}.
     */
    default boolean receive(ByteBuf buf, int offset, int length) {
        return send(buf, offset, length);
    }

    /** End of a receive batch: write whatever {@link #receive} held back. VTEP receive thread only. */
    default void flush() {
    }
}
