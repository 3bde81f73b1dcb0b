package io.trellis.workload;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The Netty transport the http workload serves on. Its own small copy of the data plane's choice
 * (io_uring, else epoll, else NIO) so that the workload does not pull in the data plane.
 */
enum ServerTransport {
    IO_URING, EPOLL, NIO;

    /** The best one this kernel and Netty's native libraries allow. */
    static ServerTransport auto() {
        if (IO_URING.isAvailable()) {
            return IO_URING;
        }
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    boolean isAvailable() {
        switch (this) {
            case IO_URING:
                return IoUring.isAvailable();
            case EPOLL:
                return Epoll.isAvailable();
            default:
                return true;
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        switch (this) {
            case IO_URING:
                return IoUringIoHandler.newFactory();
            case EPOLL:
                return EpollIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    Class<? extends ServerChannel> serverChannel() {
        switch (this) {
            case IO_URING:
                return IoUringServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }
}
