package io.trellis.workload;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.util.List;

/**
 * The first handler of a connection: looks at its first bytes once. A PROXY protocol header (v1 or
 * v2) is handed to Netty's {@link HAProxyMessageDecoder}, anything else goes straight on to HTTP.
 * Either way this handler leaves the pipeline, so a PROXY header later in the connection is just a
 * bad HTTP request.
 */
final class ProxyHeaderDetector extends ByteToMessageDecoder {
    /**
     * Room for the TLVs a load balancer adds (AWS's, say, stay well under this); a larger header is
     * refused like a malformed one rather than buffered.
     */
    static final int MAX_TLV_BYTES = 4096;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionState state = HAProxyMessageDecoder.detectProtocol(in).state();
        if (state == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return; // fewer than the 12 bytes that tell, so at most 11 wait here
        }
        if (state == ProtocolDetectionState.DETECTED) {
            ctx.pipeline().addAfter(ctx.name(), null, new HAProxyMessageDecoder(MAX_TLV_BYTES));
        }
        // Leaving hands what was read so far to the next handler.
        ctx.pipeline().remove(this);
    }
}
