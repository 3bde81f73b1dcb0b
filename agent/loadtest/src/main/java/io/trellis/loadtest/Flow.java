package io.trellis.loadtest;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's (or UDP flow's) life in a run: requests one at a time on its {@link Schedule},
 * each with a timeout, until the run's deadline. All of it runs on the flow's one event loop, so its
 * state needs no locks. Subclasses say how a request goes out and what its answer or failure is.
 */
abstract class Flow {
    /** Requests begun in a row without returning to the event loop before the next is handed to it. */
    private static final int MAX_NESTED_BEGINS = 8;

    protected final RunContext run;
    protected final EventLoop loop;
    private final Schedule schedule;
    private final Runnable beginDue = this::beginDue;
    private final Runnable timeoutTask = this::timeoutFired;
    private boolean outstanding;
    private long due;
    private long origin;
    private ScheduledFuture<?> timer;
    private boolean finished;
    private int nestedBegins;

    Flow(RunContext run, EventLoop loop, Schedule schedule) {
        this.run = run;
        this.loop = loop;
        this.schedule = schedule;
    }

    final void start() {
        loop.execute(() -> next(false));
    }

    /** Sends the outstanding request, connecting first when there is no connection. */
    protected abstract void send();

    /** The outstanding request ran out of time: count it ({@link #failed}) and go on ({@link #next}). */
    protected abstract void timedOut();

    /** Closes what the flow holds open; it will send nothing more. */
    protected abstract void close();

    /**
     * Lines up the next request, or finishes the flow when its time is up: no request begins after
     * the deadline, and none whose intended time is at or after it.
     *
     * @param afterConnectFailure unpaced, wait {@link RunContext#RETRY_PAUSE_NANOS} first
     */
    protected final void next(boolean afterConnectFailure) {
        long now = System.nanoTime();
        long at = schedule.next(now);
        if (afterConnectFailure && !schedule.paced()) {
            at = now + RunContext.RETRY_PAUSE_NANOS;
        }
        if (at >= run.deadline() || now >= run.deadline()) {
            finish();
            return;
        }
        due = at;
        if (at > now) {
            loop.schedule(beginDue, at - now, TimeUnit.NANOSECONDS);
        } else if (nestedBegins < MAX_NESTED_BEGINS) {
            // A flow behind its schedule, or with failures that come at once, would otherwise recurse without bound.
            nestedBegins++;
            try {
                beginDue();
            } finally {
                nestedBegins--;
            }
        } else {
            loop.execute(beginDue);
        }
    }

    private void beginDue() {
        // Paced, the latency counts from when the request should have gone out: time spent waiting
        // behind a slow answer is part of what a client at that rate would see (coordinated omission).
        origin = schedule.paced() ? due : System.nanoTime();
        outstanding = true;
        timer = loop.schedule(timeoutTask, run.timeoutNanos(), TimeUnit.NANOSECONDS);
        send();
    }

    private void timeoutFired() {
        timer = null;
        if (outstanding) {
            timedOut();
        }
    }

    /** Whether a request is out and neither answered nor failed yet. */
    protected final boolean outstanding() {
        return outstanding;
    }

    /** The outstanding request got its answer (of any status): its latency is recorded. */
    protected final void answered() {
        long latency = System.nanoTime() - origin;
        settle();
        run.stats().answered(latency);
    }

    /** The outstanding request failed. */
    protected final void failed(ErrorKind kind) {
        settle();
        run.stats().failed(kind);
    }

    private void settle() {
        outstanding = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            close();
            run.finished().countDown();
        }
    }
}
