package io.trellis.ingress.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client's flow: a socket connected to its backend, on the listener's event loop, so the kernel drops
 * datagrams from anyone else and replies need no lookup. Every method runs on that loop.
 */
final class UdpFlow {
    /** Datagrams held while the backend socket connects; more are dropped, as UDP may. */
    private static final int MAX_WAITING = 64;

    private final UdpProxy proxy;
    private final UdpProxyCounters counters;
    private final InetSocketAddress client;
    private final InetSocketAddress backend;
    private final Handler handler = new Handler();
    private Channel channel;
    private boolean connected;
    private ArrayDeque<ByteBuf> waiting;
    long lastSeenNanos;

    UdpFlow(UdpProxy proxy, InetSocketAddress client, InetSocketAddress backend) {
        this.proxy = proxy;
        this.counters = proxy.counters();
        this.client = client;
        this.backend = backend;
        this.lastSeenNanos = System.nanoTime();
    }

    InetSocketAddress client() {
        return client;
    }

    InetSocketAddress backend() {
        return backend;
    }

    Handler handler() {
        return handler;
    }

    void start(Channel ch) {
        this.channel = ch;
        ch.closeFuture().addListener(f -> proxy.flowClosed(this));
        ch.connect(backend).addListener(f -> {
            if (!f.isSuccess()) {
                counters.backendErrors.increment();
                ch.close();
                return;
            }
            connected = true;
            if (waiting != null) {
                for (ByteBuf data = waiting.poll(); data != null; data = waiting.poll()) {
                    ch.write(data, ch.voidPromise());
                }
                waiting = null;
                ch.flush();
            }
        });
    }

    /** Takes ownership of {@code data}. */
    void send(ByteBuf data) {
        lastSeenNanos = System.nanoTime();
        if (connected) {
            channel.writeAndFlush(data, channel.voidPromise());
            return;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        if (waiting.size() < MAX_WAITING && channel.isOpen()) {
            waiting.add(data);
        } else {
            counters.queueDrops.increment();
            data.release();
        }
    }

    void close() {
        if (waiting != null) {
            for (ByteBuf data = waiting.poll(); data != null; data = waiting.poll()) {
                data.release();
            }
        }
        channel.close();
    }

    /** Replies from the backend go back to the client from the listener's socket. */
    final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket reply = (DatagramPacket) msg;
            lastSeenNanos = System.nanoTime();
            proxy.reply(reply.content(), client);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            proxy.flushReplies();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Typically ICMP port unreachable on the connected socket: the backend may come back; idle decides.
            counters.backendErrors.increment();
        }
    }
}
