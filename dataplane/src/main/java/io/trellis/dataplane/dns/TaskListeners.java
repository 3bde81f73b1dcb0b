package io.trellis.dataplane.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;

/**
 * One task's UDP and TCP listeners on 127.0.0.11:53 in its namespace, and the TCP connections they
 * accepted. The sockets are created by a thread inside the namespace and keep it for their lives; the
 * event loop that serves them stays in the agent's namespace.
 */
final class TaskListeners {
    /** Connections per task beyond which new ones are closed at once. */
    static final int MAX_TCP_CONNECTIONS = 64;

    private final Path namespace;
    private final Channel udp;
    private final Channel tcp;
    private final ChannelGroup channels;

    private TaskListeners(Path namespace, Channel udp, Channel tcp, ChannelGroup channels) {
        this.namespace = namespace;
        this.udp = udp;
        this.tcp = tcp;
        this.channels = channels;
    }

    /**
     * Binds both listeners inside the namespace pinned at {@code namespace}.
     *
     * @throws IOException if the namespace cannot be entered or a listener cannot be bound; nothing
     *     stays open then
     */
    static TaskListeners open(String taskId, Path namespace, EventLoopGroup group, QueryAnswerer answerer,
                              DnsCounters counters) throws IOException {
        InetSocketAddress address = new InetSocketAddress(EmbeddedDns.LISTEN_ADDRESS, ResolvConf.DNS_PORT);
        ChannelGroup channels = new DefaultChannelGroup("dns " + taskId, group.next());
        QueryHandler udpHandler = new QueryHandler(taskId, answerer, counters, false);
        QueryHandler tcpHandler = new QueryHandler(taskId, answerer, counters, true);
        try {
            NetworkNamespace ns = NetworkNamespace.open(namespace);
            // Bootstrap creates each socket on the calling thread, inside the namespace, then
            // registers and binds it on the event loop.
            return ns.call(() -> {
                requireLoopbackUp();
                Channel udp = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                Pipelines.udp(ch.pipeline(), udpHandler);
                            }
                        })
                        .bind(address).sync().channel();
                channels.add(udp);
                Channel tcp = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                // The group holds the two listeners besides the connections.
                                if (channels.size() - 2 >= MAX_TCP_CONNECTIONS) {
                                    ch.close();
                                    return;
                                }
                                channels.add(ch);
                                Pipelines.tcp(ch.pipeline(), tcpHandler);
                            }
                        })
                        .bind(address).sync().channel();
                channels.add(tcp);
                return new TaskListeners(namespace, udp, tcp, channels);
            });
        } catch (Exception e) {
            channels.close().awaitUninterruptibly();
            throw new IOException("cannot listen for DNS on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + " for task " + taskId + " in the network namespace " + namespace + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Binding 127.0.0.11 succeeds whatever the state of lo, but nothing reaches it while lo is down:
     * a resolver that cannot answer is better refused at attach. The JDK asks with an ioctl on a
     * socket of the calling thread, so in the namespace entered; the native helpers of ipvs-bridge
     * would start a cleaner thread there on first use, which would keep the namespace alive.
     */
    private static void requireLoopbackUp() throws IOException {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        if (lo == null || !lo.isUp()) {
            throw new IOException("its loopback interface is down");
        }
    }

    Path namespace() {
        return namespace;
    }

    int openListeners() {
        return (udp.isOpen() ? 1 : 0) + (tcp.isOpen() ? 1 : 0);
    }

    /** Closes the listeners and every connection they accepted. */
    void close() {
        channels.close().awaitUninterruptibly();
    }
}
