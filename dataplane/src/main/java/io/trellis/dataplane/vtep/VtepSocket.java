package io.trellis.dataplane.vtep;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * One tunnel UDP socket on its own single-thread Netty event loop, set up for batched reads: the
 * plain VXLAN socket of {@link Vtep} and the ESP socket of the encrypted VTEP are both this.
 */
public final class VtepSocket implements AutoCloseable {
    /**
     * Reads take up to 64 KB: besides UDP GRO runs, a kernel VXLAN peer on the same host (veth) hands
     * its tunnel GSO packets to our socket unsegmented, one datagram carrying up to 64 KB of TCP.
     */
    private static final int DATAGRAM_MAX = 65_536;
    private static final int READ_BATCH = 64;

    private final EventLoopGroup group;
    private final Channel channel;

    private VtepSocket(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code local:port} with {@code handler} on the event loop; with {@code udpGro} (epoll only)
     * the kernel hands over runs of datagrams per read.
     *
     * @param what names the socket in the error, e.g. "the VTEP"
     * @throws IOException if it cannot be bound; nothing is left running then
     */
    public static VtepSocket bind(Transport transport, InetAddress local, int port, ChannelHandler handler,
                                  boolean udpGro, String what) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(transport.datagramChannel())
                    // Keep reading until the socket is empty (up to 64 datagrams): a datagram never
                    // "fills" a 64 KB buffer, and Netty would otherwise end the read cycle after each one,
                    // so every packet paid a full epoll round and the TCP coalescer never saw two in a row.
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DATAGRAM_MAX)
                            .respectMaybeMoreData(false).maxMessagesPerRead(READ_BATCH))
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .handler(handler);
            if (udpGro && transport == Transport.EPOLL) {
                b.option(EpollChannelOption.UDP_GRO, true);
            }
            return new VtepSocket(group, b.bind(local, port).sync().channel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + what, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IOException("cannot bind " + what + " on " + local.getHostAddress() + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
