package io.trellis.dataplane.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The resolver every task finds at 127.0.0.11:53, UDP and TCP, as Docker gives every container:
 * cluster names are answered from a {@link NameDirectory}, other names are forwarded to the node's
 * resolvers from the agent's own namespace.
 *
 * <p>One event loop thread serves every task's listeners and the forwarding socket: DNS traffic is a
 * few queries per connection a task opens, and one thread keeps the forwarder's state unshared. The
 * loop runs in the namespace of the thread that constructs this object, which should be the agent's.
 */
public final class EmbeddedDns implements AutoCloseable {
    /** Where every task's resolver listens: 127.0.0.0/8 is local on any namespace's loopback. */
    public static final InetAddress LISTEN_ADDRESS = NetUtil.createInetAddressFromIpAddressString("127.0.0.11");
    public static final Path DEFAULT_RESOLV_CONF = Path.of("/etc/resolv.conf");

    private final EventLoopGroup group;
    private final DnsCounters counters = new DnsCounters();
    private final Forwarder forwarder;
    private final Channel forwardChannel;
    private final QueryAnswerer answerer;
    private final Map<String, TaskListeners> tasks = new ConcurrentHashMap<>();
    private boolean closed;

    /** Forwards to the resolvers of /etc/resolv.conf. */
    public EmbeddedDns(NameDirectory directory) throws IOException {
        this(directory, DEFAULT_RESOLV_CONF);
    }

    /**
     * Forwards to the resolvers {@code resolvConf} names.
     *
     * @param resolvConf read once, now: its {@code nameserver} lines are the upstreams; none, or no
     *     file, and names that are not ours get NXDOMAIN
     * @throws IOException if epoll is unavailable or the forwarding socket cannot be bound
     */
    public EmbeddedDns(NameDirectory directory, Path resolvConf) throws IOException {
        List<InetSocketAddress> upstreams = ResolvConf.upstreams(resolvConf);
        if (!Epoll.isAvailable()) {
            throw new IOException("the embedded DNS server needs epoll: " + Epoll.unavailabilityCause());
        }
        forwarder = new Forwarder(upstreams, counters, Forwarder.TIMEOUT, Forwarder.MAX_OUTSTANDING);
        answerer = new QueryAnswerer(directory, counters, forwarder);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            // Binding here also starts the loop's thread from this one, so it is born in the agent's
            // namespace: a thread started later by attach() would be born in a task's, and pin it.
            forwardChannel = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryEncoder(), forwarder);
                        }
                    })
                    .bind(new InetSocketAddress(0)).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw new IOException("cannot bind the DNS forwarding socket: " + e.getMessage(), e);
        }
    }

    /**
     * Starts answering task {@code taskId}'s queries on 127.0.0.11:53 (UDP and TCP) inside the network
     * namespace pinned at {@code netnsPath}, whose loopback must be up. Again for the same task and
     * path does nothing.
     *
     * @throws IOException if the namespace cannot be entered or the address cannot be bound there, or
     *     the task is attached in another namespace
     */
    public synchronized void attach(String taskId, Path netnsPath) throws IOException {
        if (closed) {
            throw new IOException("the embedded DNS server is closed");
        }
        TaskListeners existing = tasks.get(taskId);
        if (existing != null) {
            if (existing.namespace().equals(netnsPath)) {
                return;
            }
            throw new IOException("task " + taskId + " already has DNS listeners in the network namespace "
                    + existing.namespace() + ", not " + netnsPath);
        }
        tasks.put(taskId, TaskListeners.open(taskId, netnsPath, group, answerer, counters));
    }

    /** Closes task {@code taskId}'s listeners and connections; nothing if it has none. */
    public synchronized void detach(String taskId) {
        TaskListeners listeners = tasks.remove(taskId);
        if (listeners != null) {
            listeners.close();
        }
    }

    public DnsCounters counters() {
        return counters;
    }

    /** Open listening sockets, two per attached task. */
    public int listenerCount() {
        int count = 0;
        for (TaskListeners listeners : tasks.values()) {
            count += listeners.openListeners();
        }
        return count;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String taskId : List.copyOf(tasks.keySet())) {
            detach(taskId);
        }
        forwardChannel.eventLoop().submit(forwarder::failAll).awaitUninterruptibly();
        forwardChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
