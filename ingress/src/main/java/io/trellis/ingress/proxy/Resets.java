package io.trellis.ingress.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;

/** Closing with an RST: SO_LINGER 0, so the peer learns at once that the connection is gone. */
final class Resets {
    private Resets() {
    }

    /** Resets {@code channel} if it is still open; whether it was. */
    static boolean reset(Channel channel) {
        if (channel == null || !channel.isOpen()) {
            return false;
        }
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException closedMeanwhile) {
            // The socket is gone already; closing below is all that is left to do.
        }
        channel.close();
        return true;
    }
}
