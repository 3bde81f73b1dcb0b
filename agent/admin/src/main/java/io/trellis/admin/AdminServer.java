package io.trellis.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.trellis.api.client.AdminHost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin API over HTTP/1.1 on a Unix socket and optionally TCP, with Netty's epoll
 * transport. One event-loop thread does the I/O; handlers run on a bounded pool because they block
 * on Raft writes, and streaming replies on a pool of their own.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** Largest request body; a secret (≤ 500 KiB) or a compose file fits with room to spare. */
    public static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024;
    private static final int HANDLER_THREADS = 16;
    /**
     * The cluster port parks one long poll per node session for up to 20 s; with the admin
     * port's 16 threads a few sessions (and the stale polls of restarted nodes) starved the short
     * requests queued behind them, such as a certificate renewal. Idle threads cost little.
     */
    private static final int TLS_HANDLER_THREADS = 256;
    private static final int HANDLER_QUEUE = 256;
    private static final int MAX_STREAMS = 64;
    private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

    private final EventLoopGroup group;
    private final ThreadPoolExecutor requests;
    private final ThreadPoolExecutor streams;
    private final ChannelGroup channels = new DefaultChannelGroup("trellis-admin", GlobalEventExecutor.INSTANCE);
    private final AdminHandler handler;
    private final List<AdminHost> boundHosts = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Used on TCP listeners only: the Unix socket is guarded by its file mode. */
    private final SslContext tls;
    private final ListenerLimits limits;
    private final Consumer<Refusal> onRefused;
    /** The cluster port does not check Host: peers dial managers by any name an operator gave. */
    private final RequestScreen.Kind tcpScreen;

    private AdminServer(AdminHandler handler, SslContext tls, ListenerLimits limits, Consumer<Refusal> onRefused,
                        RequestScreen.Kind tcpScreen) {
        this.tcpScreen = tcpScreen;
        boolean clusterPort = tcpScreen == RequestScreen.Kind.ANY_HOST;
        int handlers = clusterPort ? TLS_HANDLER_THREADS : HANDLER_THREADS;
        this.tls = tls;
        this.limits = limits;
        this.onRefused = onRefused;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("trellis-admin", true),
                EpollIoHandler.newFactory());
        requests = pool(clusterPort ? "trellis-cluster-handler" : "trellis-admin-handler", handlers,
                new ArrayBlockingQueue<>(HANDLER_QUEUE));
        streams = pool("trellis-admin-stream", MAX_STREAMS, new SynchronousQueue<>());
        this.handler = handler;
    }

    /**
     * Starts listening where the agent's flags say, like {@code dockerd -H}.
     *
     * @param host      {@code unix:///path} or {@code tcp://host:port}
     * @param adminAddr an extra TCP listener as {@code host:port}, or {@code null}
     * @param adminTls  mutual TLS for the TCP listeners (see {@link AdminTls}); {@code null} when
     *                  there are none — a TCP listener without it is refused
     */
    public static AdminServer start(String host, String adminAddr, SslContext adminTls, AdminHandler handler)
            throws IOException {
        List<AdminHost> hosts = new ArrayList<>(List.of(AdminHost.parse(host)));
        if (adminAddr != null) {
            hosts.add(AdminHost.parse("tcp://" + adminAddr));
        }
        return start(hosts, adminTls, ListenerLimits.DEFAULT, handler, AdminServer::logRefusal);
    }

    /**
     * Serves {@code handler} over HTTPS on {@code address} ({@code host:port}): the cluster port,
     * where every peer is authenticated by its certificate (or, to join, by its token).
     *
     * @param onRefused told, one line each, of handshakes that failed and connections over the limits
     */
    public static AdminServer startTls(String address, AdminHandler handler, SslContext tls, ListenerLimits limits,
                                       Consumer<Refusal> onRefused) throws IOException {
        return open(List.of(AdminHost.parse("tcp://" + address)), tls, limits, handler, onRefused,
                RequestScreen.Kind.ANY_HOST);
    }

    /** A server on the Unix socket {@code host} only. */
    public static AdminServer start(String host, AdminHandler handler) throws IOException {
        return start(host, null, null, handler);
    }

    /**
     * Serves a read-only {@code handler} (a metrics exporter) in clear on {@code hostPort}: only GET
     * reaches it, anything else is answered 405, so the listener can reveal but never change state.
     */
    public static AdminServer startMetrics(String hostPort, AdminHandler handler) throws IOException {
        AdminHandler readOnly = req -> "GET".equals(req.method()) ? handler.handle(req)
                : AdminResponse.error(405, req.method() + " is not allowed here; this listener is read-only")
                        .withHeader("Allow", "GET");
        return open(List.of(AdminHost.parse("tcp://" + hostPort)), null, ListenerLimits.DEFAULT, readOnly,
                refusal -> { }, RequestScreen.Kind.TCP);
    }

    static AdminServer start(List<AdminHost> hosts, SslContext tls, ListenerLimits limits, AdminHandler handler,
                             Consumer<Refusal> onRefused) throws IOException {
        for (AdminHost host : hosts) {
            if (host instanceof AdminHost.Tcp && tls == null) {
                throw new IllegalArgumentException("refusing to serve the admin API on " + host
                        + " without mutual TLS: it would hand anyone who can connect root on this node");
            }
        }
        return open(hosts, tls, limits, handler, onRefused, RequestScreen.Kind.TCP);
    }

    private static AdminServer open(List<AdminHost> hosts, SslContext tls, ListenerLimits limits,
                                    AdminHandler handler, Consumer<Refusal> onRefused, RequestScreen.Kind tcpScreen)
            throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("the admin API needs Netty's native epoll transport: "
                    + Epoll.unavailabilityCause().getMessage(), Epoll.unavailabilityCause());
        }
        AdminServer server = new AdminServer(handler, tls, limits, onRefused, tcpScreen);
        try {
            for (AdminHost host : hosts) {
                server.listen(host);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Where the server listens; a TCP port given as 0 shows the port the kernel picked. */
    public List<AdminHost> boundHosts() {
        return List.copyOf(boundHosts);
    }

    private void listen(AdminHost host) throws IOException {
        boolean secure = host instanceof AdminHost.Tcp && tls != null;
        AnonymousConnections anonymous = secure ? new AnonymousConnections(limits, onRefused) : null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        int bodyLimit = MAX_REQUEST_BYTES;
                        if (secure) {
                            SslHandler ssl = tls.newHandler(ch.alloc());
                            ssl.setHandshakeTimeoutMillis(limits.handshakeTimeout().toMillis());
                            ch.pipeline().addLast(anonymous, ssl,
                                    new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                    new IdleCloser(),
                                    new HandshakeWatcher(onRefused, anonymous, MAX_REQUEST_BYTES));
                            bodyLimit = limits.anonymousBodyBytes();
                        }
                        ch.pipeline().addLast(new HttpServerCodec())
                                .addLast(HandshakeWatcher.AGGREGATOR, new AdminRequestAggregator(bodyLimit))
                                .addLast(new AdminHttpHandler(handler, screen(host), requests, streams));
                    }
                });
        if (host instanceof AdminHost.Unix unix) {
            UnixSocketFile.prepare(unix.path());
            Path staging = UnixSocketFile.stagingDirectory(unix.path());
            Path bound = staging.resolve("s");
            try {
                bind(bootstrap.channel(EpollServerDomainSocketChannel.class),
                        new DomainSocketAddress(bound.toString()), host);
                UnixSocketFile.publish(bound, unix.path());
            } finally {
                Files.deleteIfExists(bound);
                Files.deleteIfExists(staging);
            }
            socketFiles.add(unix.path());
            boundHosts.add(host);
        } else {
            AdminHost.Tcp tcp = (AdminHost.Tcp) host;
            // Lets a restarted agent bind while connections of the previous one sit in TIME_WAIT.
            bootstrap.channel(EpollServerSocketChannel.class).option(ChannelOption.SO_REUSEADDR, true);
            Channel channel = bind(bootstrap, new InetSocketAddress(tcp.host(), tcp.port()), host);
            InetSocketAddress local = (InetSocketAddress) channel.localAddress();
            boundHosts.add(new AdminHost.Tcp(local.getAddress().getHostAddress(), local.getPort()));
        }
        LOG.debug("admin API listening on {}", boundHosts.get(boundHosts.size() - 1));
    }

    private RequestScreen screen(AdminHost host) {
        if (host instanceof AdminHost.Tcp tcp) {
            return tcpScreen == RequestScreen.Kind.ANY_HOST ? RequestScreen.anyHost() : RequestScreen.tcp(tcp.host());
        }
        return RequestScreen.unix();
    }

    private Channel bind(ServerBootstrap bootstrap, SocketAddress address, AdminHost host) throws IOException {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + host + ": " + bound.cause().getMessage(), bound.cause());
        }
        channels.add(bound.channel());
        return bound.channel();
    }

    /** Stops listening, cuts open connections (ending streaming replies) and removes socket files. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channels.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        requests.shutdownNow();
        streams.shutdownNow();
        group.shutdownGracefully(0, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        for (Path socket : socketFiles) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("could not remove the admin socket {}: {}", socket, e.getMessage());
            }
        }
    }

    private static void logRefusal(Refusal refusal) {
        if (refusal.kind() == Refusal.Kind.HANDSHAKE) {
            LOG.warn("admin API refused a connection: {}", refusal.message());
        } else {
            LOG.debug("admin API refused a connection: {}", refusal.message());
        }
    }

    private static ThreadPoolExecutor pool(String name, int threads, BlockingQueue<Runnable> queue) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, queue,
                new DefaultThreadFactory(name, true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
