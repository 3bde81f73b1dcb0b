package io.trellis.loadtest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** An HTTP/1.1 server on 127.0.0.1 that answers each request as the test says and counts them. */
final class TestHttpServer implements AutoCloseable {
    /** What the server does with one request. */
    record Reply(int status, long delayMillis, boolean close, boolean abort, boolean silent, long idleCloseMillis) {
        static Reply ok() {
            return status(200);
        }

        static Reply status(int status) {
            return new Reply(status, 0, false, false, false, 0);
        }

        static Reply after(long millis) {
            return new Reply(200, millis, false, false, false, 0);
        }

        /** Answers (keep-alive), then closes the connection when it was idle for {@code millis}. */
        static Reply okThenIdleClose(long millis) {
            return new Reply(200, 0, false, false, false, millis);
        }

        /** Closes the connection without an answer. */
        static Reply hangUp() {
            return new Reply(0, 0, true, false, false, 0);
        }

        /** Resets the connection (RST) without an answer. */
        static Reply reset() {
            return new Reply(0, 0, true, true, false, 0);
        }

        /** Never answers (the connection stays open). */
        static Reply never() {
            return new Reply(0, 0, false, false, true, 0);
        }
    }

    private static final byte[] BODY = "hello from the test server\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final LongFunction<Reply> replies;
    private final boolean honorsConnectionClose;
    private final Channel listener;

    /** @param replies the reply to the n-th request (from 1) */
    TestHttpServer(LongFunction<Reply> replies) {
        this(replies, true);
    }

    /** @param honorsConnectionClose false: keeps every connection open, whatever the request asks */
    TestHttpServer(LongFunction<Reply> replies, boolean honorsConnectionClose) {
        this.replies = replies;
        this.honorsConnectionClose = honorsConnectionClose;
        this.listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        open.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Answer());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    String target() {
        return "127.0.0.1:" + port();
    }

    long requests() {
        return requests.get();
    }

    long connections() {
        return connections.get();
    }

    /** Connections still open (a closed channel leaves the group by itself). */
    int openConnections() {
        return open.size();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Reply reply = replies.apply(requests.incrementAndGet());
            if (reply.close()) {
                if (reply.abort()) {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // close sends RST
                }
                ctx.close();
                return;
            }
            if (reply.silent()) {
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request) || !honorsConnectionClose;
            Runnable answer = () -> {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(BODY));
                HttpUtil.setContentLength(response, BODY.length);
                HttpUtil.setKeepAlive(response, keepAlive);
                ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                        : ChannelFutureListener.CLOSE);
                if (reply.idleCloseMillis() > 0) {
                    ctx.executor().schedule(() -> ctx.close(), reply.idleCloseMillis(), TimeUnit.MILLISECONDS);
                }
            };
            if (reply.delayMillis() > 0) {
                ctx.executor().schedule(answer, reply.delayMillis(), TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that gave up (reset) is expected
        }
    }
}
