package io.trellis.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * A UDP flow: one connected socket sending a small datagram and waiting for its echo before the
 * next. Each datagram carries a sequence number, so an echo that comes after its request timed out
 * is not taken for the next one's. The connected socket gets only the target's datagrams, and the
 * kernel reports an ICMP port unreachable to it (counted as connect refused).
 */
final class UdpFlow extends Flow {
    /** A small request: the sequence number, then zeros. */
    static final int DATAGRAM_BYTES = 32;

    private final Bootstrap bootstrap;
    private final ChannelFutureListener opened = this::opened;
    private final ChannelFutureListener written = this::written;
    private Channel channel;
    private Channel opening;
    private long sequence;

    UdpFlow(RunContext run, EventLoop loop, Schedule schedule) {
        super(run, loop, schedule);
        this.bootstrap = new Bootstrap().group(loop).channel(run.loops().datagramChannel()).handler(new Echoes());
    }

    @Override
    protected void send() {
        sequence++;
        if (channel != null) {
            transmit();
        } else if (opening == null) {
            ChannelFuture connect = bootstrap.connect(run.address());
            opening = connect.channel();
            run.track(opening);
            connect.addListener(opened);
        }
    }

    private void transmit() {
        ByteBuf datagram = channel.alloc().directBuffer(DATAGRAM_BYTES);
        datagram.writeLong(sequence).writeZero(DATAGRAM_BYTES - Long.BYTES);
        channel.writeAndFlush(datagram).addListener(written);
    }

    private void opened(ChannelFuture future) {
        if (future.channel() != opening) {
            return;
        }
        opening = null;
        if (future.isSuccess()) {
            channel = future.channel();
            if (outstanding()) {
                transmit();
            }
        } else if (outstanding()) {
            failed(ErrorKind.ofConnectFailure(future.cause()));
            next(true);
        }
    }

    private void written(ChannelFuture future) {
        if (!future.isSuccess() && future.channel() == channel && outstanding()) {
            // A send fails with "connection refused" when an earlier datagram drew a port unreachable.
            ErrorKind kind = ErrorKind.ofConnectFailure(future.cause());
            failed(kind);
            next(kind == ErrorKind.CONNECT_REFUSED);
        }
    }

    @Override
    protected void timedOut() {
        failed(ErrorKind.TIMEOUT);
        next(false);
    }

    private void echoed(Channel from, ByteBuf content) {
        run.stats().received(content.readableBytes());
        if (from == channel && outstanding() && content.readableBytes() >= Long.BYTES
                && content.getLong(content.readerIndex()) == sequence) {
            answered();
            next(false);
        }
    }

    private void broke(Channel on, Throwable cause) {
        if (on == channel && outstanding()) {
            ErrorKind kind = ErrorKind.ofConnectFailure(cause);
            failed(kind);
            next(kind == ErrorKind.CONNECT_REFUSED);
        }
    }

    private void closed(Channel which) {
        if (which == channel) {
            channel = null;
            if (outstanding()) {
                failed(ErrorKind.OTHER);
                next(false);
            }
        }
    }

    @Override
    protected void close() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (opening != null) {
            opening.close();
            opening = null;
        }
    }

    private final class Echoes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet) {
                    echoed(ctx.channel(), packet.content());
                } else if (msg instanceof ByteBuf buf) {
                    echoed(ctx.channel(), buf);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket outlives an error (a port unreachable included): the next request uses it again.
            broke(ctx.channel(), cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed(ctx.channel());
        }
    }
}
