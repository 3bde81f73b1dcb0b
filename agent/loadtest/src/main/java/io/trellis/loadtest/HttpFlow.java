package io.trellis.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * HTTP/1.1 GETs on one keep-alive connection, one outstanding at a time; a connection that fails or
 * that the server ends is replaced by the next request. With {@code reconnect} every request
 * has a connection of its own ({@code Connection: close}), so its latency includes the TCP handshake.
 */
final class HttpFlow extends Flow {
    /** Bodies are aggregated to find a response's end; a larger one counts as an "other" error. */
    private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final Bootstrap bootstrap;
    private final String path;
    private final HttpHeaders headers;
    private final boolean reconnect;
    private final ChannelFutureListener connected = this::connected;
    private final ChannelFutureListener written = this::written;
    /** The connection requests go on; null until the next request connects. */
    private Channel channel;
    /** A connect under way for the outstanding request. */
    private Channel connecting;

    /** @param headers the request headers, shared read-only by every flow of the run */
    HttpFlow(RunContext run, EventLoop loop, Schedule schedule, ByteCounter bytes, String path, HttpHeaders headers,
             boolean reconnect) {
        super(run, loop, schedule);
        this.path = path;
        this.headers = headers;
        this.reconnect = reconnect;
        this.bootstrap = new Bootstrap().group(loop).channel(run.loops().socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                // The request's own timer ends a connect first; this only keeps Netty's from firing earlier.
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) (run.timeoutNanos() / 1_000_000) + 1_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(bytes, new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                                new Responses());
                    }
                });
    }

    @Override
    protected void send() {
        if (channel != null && !channel.isActive()) {
            // Closed by the server while idle, its inactive event not handled yet: not a failure, a reconnect.
            channel = null;
        }
        if (channel == null) {
            ChannelFuture connect = bootstrap.connect(run.address());
            connecting = connect.channel();
            run.track(connecting);
            connect.addListener(connected);
            return;
        }
        channel.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE)).addListener(written);
    }

    private void connected(ChannelFuture future) {
        if (future.channel() != connecting) {
            return; // given up on: the request timed out while connecting
        }
        connecting = null;
        if (future.isSuccess()) {
            channel = future.channel();
            send();
        } else {
            failed(ErrorKind.ofConnectFailure(future.cause()));
            next(true);
        }
    }

    private void written(ChannelFuture future) {
        if (!future.isSuccess() && future.channel() == channel && outstanding()) {
            fail(ErrorKind.ofFailure(future.cause()));
        }
    }

    @Override
    protected void timedOut() {
        if (connecting != null) {
            Channel abandoned = connecting;
            connecting = null;
            abandoned.close();
            failed(ErrorKind.CONNECT_TIMEOUT);
            next(false);
        } else {
            // A late answer would be taken for the next request's: this connection is done.
            fail(ErrorKind.TIMEOUT);
        }
    }

    private void responded(Channel from, FullHttpResponse response) {
        if (from != channel || !outstanding()) {
            return; // nothing asked for it
        }
        if (response.decoderResult().isFailure()) {
            fail(ErrorKind.OTHER);
            return;
        }
        answered();
        int status = response.status().code();
        if (status < 200 || status >= 400) {
            run.stats().failed(ErrorKind.BAD_STATUS);
        }
        if (reconnect || !HttpUtil.isKeepAlive(response)) {
            drop();
        }
        next(false);
    }

    private void broke(Channel on, Throwable cause) {
        if (on == channel && outstanding()) {
            fail(ErrorKind.ofFailure(cause));
        }
    }

    private void closed(Channel which) {
        if (which == channel) {
            channel = null;
            if (outstanding()) {
                failed(ErrorKind.CLOSED_EARLY);
                next(false);
            }
        }
    }

    /** The outstanding request failed on the connection: count it, give the connection up, go on. */
    private void fail(ErrorKind kind) {
        failed(kind);
        drop();
        next(false);
    }

    private void drop() {
        if (channel != null) {
            Channel gone = channel;
            channel = null;
            gone.close();
        }
    }

    @Override
    protected void close() {
        drop();
        if (connecting != null) {
            connecting.close();
            connecting = null;
        }
    }

    /** Last in each connection's pipeline: hands what happens on it to the flow. */
    private final class Responses extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse response) {
                    responded(ctx.channel(), response);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            broke(ctx.channel(), cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed(ctx.channel());
        }
    }
}
