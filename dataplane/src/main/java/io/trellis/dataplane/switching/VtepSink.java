package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;

/**
 * Where the switch sends an encapsulated VXLAN payload (VXLAN header + inner frame) for a remote
 * VTEP; the kernel adds the outer IPv4/UDP headers. Same ownership rule as {@link FrameSink}: the
 * sink copies or retains what it needs before returning.
 */
@FunctionalInterface
public interface VtepSink {
    boolean send(ByteBuf buf, int offset, int length, int remoteVtep);
}
