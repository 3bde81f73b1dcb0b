package io.trellis.loadtest;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's event loops on the best transport here: io_uring where the kernel and Netty's
 * native library allow it, else epoll, else NIO (the data plane picks the same way).
 */
final class EventLoops {
    enum Transport {
        IO_URING, EPOLL, NIO;

        boolean available() {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable();
                case EPOLL -> Epoll.isAvailable();
                case NIO -> true;
            };
        }

        static Transport best() {
            if (IoUring.isAvailable()) {
                return IO_URING;
            }
            return Epoll.isAvailable() ? EPOLL : NIO;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Transport transport;
    private final EventLoopGroup group;

    EventLoops(Transport transport, int threads) {
        this.transport = transport;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadtest", true), ioHandlers());
    }

    Transport transport() {
        return transport;
    }

    EventLoopGroup group() {
        return group;
    }

    private IoHandlerFactory ioHandlers() {
        return switch (transport) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    Class<? extends SocketChannel> socketChannel() {
        return switch (transport) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return switch (transport) {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    /**
     * Closes every channel still registered and stops the threads, waiting at most {@code limit}
     * (they are daemon threads: one that takes longer does not keep the JVM).
     */
    void close(Duration limit) {
        group.shutdownGracefully(0, limit.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(limit.toMillis());
    }
}
