package io.trellis.ingress.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A published TCP port: accepts on every address it is bound to and relays each client to a backend from the
 * {@link BackendChooser}, on the client's event loop. Closing it resets the connections still open.
 */
public final class TcpProxy implements AutoCloseable {
    private final BackendChooser chooser;
    private final TcpProxyOptions options;
    private final TcpProxyCounters counters = new TcpProxyCounters();
    private final Bootstrap backendTemplate;
    private final ReflectiveChannelFactory<? extends SocketChannel> backendChannels;
    private final BackendSockets sockets;
    private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<InetSocketAddress, Set<TcpConnection>> byBackend = new ConcurrentHashMap<>();
    private final Channel server;

    private TcpProxy(ProxyEventLoops loops, InetSocketAddress listen, BackendChooser chooser, TcpProxyOptions options,
                     BackendSockets sockets) {
        this.chooser = chooser;
        this.options = options;
        this.sockets = sockets;
        this.backendChannels = new ReflectiveChannelFactory<>(loops.socketChannel());
        this.backendTemplate = new Bootstrap()
                .group(loops.group())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false);
        ServerBootstrap acceptor = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TcpConnection connection = new TcpConnection(TcpProxy.this, ch);
                        connections.add(connection);
                        connection.attach();
                    }
                });
        ChannelFuture bound = acceptor.bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + listen + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        this.server = bound.channel();
    }

    /** Listens on {@code listen} (port 0 picks one; see {@link #localAddress()}). */
    public static TcpProxy bind(ProxyEventLoops loops, InetSocketAddress listen, BackendChooser chooser,
            TcpProxyOptions options) {
        return new TcpProxy(loops, listen, chooser, options, BackendSockets.HERE);
    }

    /** As {@link #bind(ProxyEventLoops, InetSocketAddress, BackendChooser, TcpProxyOptions)}, backend sockets made by {@code sockets}. */
    public static TcpProxy bind(ProxyEventLoops loops, InetSocketAddress listen, BackendChooser chooser,
            TcpProxyOptions options, BackendSockets sockets) {
        return new TcpProxy(loops, listen, chooser, options, sockets);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    public TcpProxyCounters counters() {
        return counters;
    }

    public TcpProxyOptions options() {
        return options;
    }

    /**
     * The backend is gone: its open connections are reset, so their clients fail fast and reconnect. New
     * connections are the chooser's business. Returns how many connections were reset.
     */
    public int removeBackend(InetSocketAddress backend) {
        Set<TcpConnection> open = byBackend.remove(backend);
        if (open == null) {
            return 0;
        }
        for (TcpConnection connection : open) {
            connection.client().eventLoop().execute(connection::backendRemoved);
        }
        return open.size();
    }

    /** TCP connections open now to {@code backend} through this listener. */
    public int connectionsTo(InetSocketAddress backend) {
        Set<TcpConnection> open = byBackend.get(backend);
        return open == null ? 0 : open.size();
    }

    BackendChooser chooser() {
        return chooser;
    }

    /** A bootstrap on {@code loop} whose channel is made where a socket to {@code backend} must live. */
    Bootstrap backendBootstrap(EventLoop loop, InetSocketAddress backend) {
        return backendTemplate.clone(loop)
                .channelFactory(() -> sockets.create(backend, backendChannels::newChannel));
    }

    void register(InetSocketAddress backend, TcpConnection connection) {
        byBackend.compute(backend, (key, set) -> {
            Set<TcpConnection> open = set == null ? ConcurrentHashMap.newKeySet() : set;
            open.add(connection);
            return open;
        });
    }

    void forget(TcpConnection connection, InetSocketAddress backend) {
        connections.remove(connection);
        if (backend != null) {
            byBackend.computeIfPresent(backend, (key, set) -> {
                set.remove(connection);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** Stops listening and resets every connection still open. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        List<ChannelFuture> closing = new ArrayList<>();
        for (TcpConnection connection : connections) {
            connection.client().eventLoop().execute(connection::resetBoth);
            closing.add(connection.client().closeFuture());
        }
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly(2_000);
        }
        // A channel's close future completes before its inactive event runs on the loop, and that
        // event is what forgets the connection and counts it closed: wait for it too, bounded.
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }
}
