package io.trellis.loadtest;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * What every flow of a run shares.
 *
 * @param deadline no request begins at or after this {@link System#nanoTime()}
 * @param timeoutNanos how long a request may take, its connect included
 * @param channels every channel the run opens, so the end closes them all
 * @param finished counted down once by each flow when it has nothing more to send or wait for
 */
record RunContext(InetSocketAddress address, LoadStats stats, EventLoops loops, long deadline, long timeoutNanos,
                  ChannelGroup channels, CountDownLatch finished) {
    /**
     * After a failed connect an unpaced flow waits this long before the next request: a closed
     * port refuses at once, and retrying at full speed would only count refusals and burn the CPU.
     */
    static final long RETRY_PAUSE_NANOS = 100_000_000L;

    void track(Channel channel) {
        channels.add(channel);
    }
}
