package io.trellis.ingress.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trellis.dataplane.vtep.Transport;
import java.util.concurrent.TimeUnit;

/**
 * The event loops the proxies run on: one group for all listeners, sized to the cores unless told, on the
 * transport the data plane would pick (io_uring, else epoll, else NIO). Owned by its creator, not the proxies.
 */
public final class ProxyEventLoops implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup group;

    public ProxyEventLoops(Transport transport, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("proxy threads must be at least 1, got " + threads);
        }
        this.transport = transport;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("ingress-proxy", true),
                transport.ioHandlerFactory());
    }

    /** The best transport here, one loop per core. */
    public static ProxyEventLoops create() {
        return new ProxyEventLoops(Transport.auto(), Runtime.getRuntime().availableProcessors());
    }

    public Transport transport() {
        return transport;
    }

    EventLoopGroup group() {
        return group;
    }

    Class<? extends ServerChannel> serverChannel() {
        switch (transport) {
            case IO_URING:
                return IoUringServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    Class<? extends SocketChannel> socketChannel() {
        switch (transport) {
            case IO_URING:
                return IoUringSocketChannel.class;
            case EPOLL:
                return EpollSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return transport.datagramChannel();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
