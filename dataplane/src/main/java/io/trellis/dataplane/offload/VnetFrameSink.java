package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;

/**
 * Where {@link TcpCoalescer} puts its output: a {@link io.trellis.ipvs.tun.VirtioNetHeader#LENGTH
 * 12-byte} virtio-net header at {@code offset} followed by the frame, {@code length} bytes in all —
 * exactly one write to a TAP opened with IFF_VNET_HDR. The buffer is direct (it has a
 * {@code memoryAddress()}) and belongs to the coalescer: the sink must not retain or release it,
 * and the bytes are valid only until the call returns.
 */
@FunctionalInterface
public interface VnetFrameSink {
    void write(ByteBuf buf, int offset, int length);
}
