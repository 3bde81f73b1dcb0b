package io.trellis.loadtest;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one load test: starts every flow, prints a progress line each second, stops beginning
 * requests at the deadline, waits for the ones still out (each ends by its timeout), closes every
 * channel. The whole run ends within duration + timeout + 2 s.
 */
public final class LoadRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * Past the last request's timeout: every flow is done by then unless its event loop fell far
     * behind; this only bounds a run that went wrong. With the closing limits it keeps a run within
     * duration + timeout + 2 s.
     */
    private static final Duration FINISH_GRACE = Duration.ofSeconds(1);
    private static final Duration CHANNELS_CLOSE_LIMIT = Duration.ofMillis(400);
    private static final Duration LOOPS_STOP_LIMIT = Duration.ofMillis(500);

    private LoadRun() {
    }

    /** Runs {@code settings}, printing the header and a line per second to {@code progress}. */
    public static Summary run(LoadSettings settings, PrintWriter progress) throws InterruptedException {
        return run(settings, progress, EventLoops.Transport.best());
    }

    /** As {@link #run(LoadSettings, PrintWriter)} on a transport of the caller's choice (tests run each). */
    static Summary run(LoadSettings settings, PrintWriter progress, EventLoops.Transport transport)
            throws InterruptedException {
        LoadStats stats = new LoadStats();
        EventLoops loops = new EventLoops(transport, settings.threads());
        ChannelGroup channels = new DefaultChannelGroup("loadtest", GlobalEventExecutor.INSTANCE);
        try {
            progress.println(SummaryFormat.header(settings, loops.transport().label()));
            progress.flush();
            long start = System.nanoTime();
            long deadline = start + settings.duration().toNanos();
            RunContext run = new RunContext(settings.address(), stats, loops, deadline, settings.timeout().toNanos(),
                    channels, new CountDownLatch(settings.connections()));
            startFlows(settings, run, start);
            report(run, start, progress);
            long finishBy = deadline + settings.timeout().toNanos() + FINISH_GRACE.toNanos();
            run.finished().await(Math.max(0, finishBy - System.nanoTime()), TimeUnit.NANOSECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            stats.drain();
            return new Summary(settings, loops.transport().label(), elapsed, stats.bytes(), stats.errorsByKind(),
                    stats.total());
        } finally {
            channels.close().awaitUninterruptibly(CHANNELS_CLOSE_LIMIT.toMillis());
            loops.close(LOOPS_STOP_LIMIT);
        }
    }

    private static void startFlows(LoadSettings settings, RunContext run, long start) {
        ByteCounter bytes = new ByteCounter(run.stats());
        HttpHeaders headers = requestHeaders(settings);
        for (int i = 0; i < settings.connections(); i++) {
            EventLoop loop = run.loops().group().next();
            Schedule schedule = settings.paced()
                    ? Schedule.paced(start, settings.rate(), i, settings.connections())
                    : Schedule.unpaced();
            Flow flow = settings.protocol() == LoadSettings.Protocol.UDP
                    ? new UdpFlow(run, loop, schedule)
                    : new HttpFlow(run, loop, schedule, bytes, settings.path(), headers, settings.reconnect());
            flow.start();
        }
    }

    private static HttpHeaders requestHeaders(LoadSettings settings) {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.HOST, settings.target().toString())
                .set(HttpHeaderNames.USER_AGENT, "trellis-loadtest")
                .set(HttpHeaderNames.ACCEPT, "*/*");
        if (settings.reconnect()) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return headers;
    }

    /** A line at each whole second of the duration; returns at the deadline. */
    private static void report(RunContext run, long start, PrintWriter progress) throws InterruptedException {
        for (long second = 1; start + second * SECOND <= run.deadline(); second++) {
            sleepUntil(start + second * SECOND);
            long answers = run.stats().drain();
            progress.println(SummaryFormat.progress(second, answers, run.stats().errors()));
            progress.flush();
        }
        sleepUntil(run.deadline());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
