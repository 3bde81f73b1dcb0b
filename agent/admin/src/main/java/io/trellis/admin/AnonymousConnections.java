package io.trellis.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts a listener's connections that have not authenticated yet and closes those beyond the caps
 * of {@link ListenerLimits} as soon as they are accepted, before any TLS work is spent on them. One
 * instance per listener, shared by its connections.
 */
@ChannelHandler.Sharable
final class AnonymousConnections extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("trellis.anonymous");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("trellis.refused");

    private final ListenerLimits limits;
    private final Consumer<Refusal> onRefused;
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    AnonymousConnections(ListenerLimits limits, Consumer<Refusal> onRefused) {
        this.limits = limits;
        this.onRefused = onRefused;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress from = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        String refusal = admit(from);
        if (refusal != null) {
            onRefused.accept(new Refusal(Refusal.Kind.CONNECTION_LIMIT, refusal));
            ctx.channel().attr(REFUSED).set(true);
            ctx.close();
            return;
        }
        ctx.channel().attr(COUNTED).set(from);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        authenticated(ctx.channel());
        super.channelInactive(ctx);
    }

    /** True for a connection closed here: its aborted handshake is not worth a second report. */
    static boolean refused(Channel channel) {
        return channel.hasAttr(REFUSED);
    }

    /** Takes {@code channel} out of the count: its peer proved who it is, or it closed. */
    void authenticated(Channel channel) {
        InetAddress from = channel.attr(COUNTED).getAndSet(null);
        if (from != null) {
            total.decrementAndGet();
            perAddress.computeIfPresent(from, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Counts a new connection, or says why it is refused. */
    private String admit(InetAddress from) {
        if (total.incrementAndGet() > limits.maxAnonymous()) {
            total.decrementAndGet();
            return "too many unauthenticated connections (" + limits.maxAnonymous() + ")";
        }
        boolean[] over = new boolean[1];
        perAddress.compute(from, (a, n) -> {
            int count = n == null ? 0 : n;
            over[0] = count >= limits.maxAnonymousPerAddress();
            return over[0] ? n : count + 1;
        });
        if (over[0]) {
            total.decrementAndGet();
            return "too many unauthenticated connections from " + from.getHostAddress() + " ("
                    + limits.maxAnonymousPerAddress() + ")";
        }
        return null;
    }

    int count() {
        return total.get();
    }
}
