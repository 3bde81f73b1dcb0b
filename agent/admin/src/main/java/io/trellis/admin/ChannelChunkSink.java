package io.trellis.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;

/** Sends each chunk of a streaming reply and waits until it reached the socket. */
final class ChannelChunkSink implements ChunkSink {
    private final Channel channel;

    ChannelChunkSink(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void write(byte[] chunk) throws IOException {
        if (chunk.length == 0) {
            return; // a zero-length chunk would end the body (RFC 9112 §7.1)
        }
        // Wrapped, not copied: we wait below, so the caller's array is not touched after we return.
        ChannelFuture written = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
        try {
            written.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending a reply chunk");
        }
        if (!written.isSuccess()) {
            throw new IOException("the client went away", written.cause());
        }
    }

    @Override
    public boolean open() {
        return channel.isActive();
    }

    boolean clientGone() {
        return !open();
    }
}
