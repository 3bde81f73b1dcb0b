package io.trellis.workload;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The worker role: takes votes from the queue and adds them to the store, one at a time. A vote taken is
 * held until the store has counted it, so a store that is down or restarting delays votes and loses none
 * (one taken and not yet counted is lost only if the worker itself dies). An empty queue is asked again
 * after {@link #IDLE_POLL}; a service that cannot be reached after {@link #RETRY}, with one line on stderr
 * per outage.
 */
final class VoteWorker implements AutoCloseable {
    static final Duration IDLE_POLL = Duration.ofMillis(100);
    static final Duration RETRY = Duration.ofMillis(500);

    private final LineClient queue;
    private final LineClient store;
    private final PrintWriter err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private VoteOption held;
    private String outage;

    private VoteWorker(LineClient queue, LineClient store, PrintWriter err) {
        this.queue = queue;
        this.store = store;
        this.err = err;
        this.thread = new Thread(this::run, "vote-worker");
    }

    static VoteWorker start(LineClient queue, LineClient store, PrintWriter err) {
        VoteWorker worker = new VoteWorker(queue, store, err);
        worker.thread.setDaemon(true);
        worker.thread.start();
        return worker;
    }

    private void run() {
        while (stop.getCount() > 0) {
            Duration pause;
            try {
                pause = step();
                if (outage != null) {
                    report("worker: reachable again after: " + outage);
                    outage = null;
                }
            } catch (IOException e) {
                if (outage == null) {
                    outage = e.getMessage();
                    report("worker: " + outage + "; retrying every " + RETRY.toMillis() + " ms");
                }
                pause = RETRY;
            }
            if (!pause.isZero() && pauseOrStop(pause)) {
                return;
            }
        }
    }

    /** Moves at most one vote; the pause before the next step. */
    private Duration step() throws IOException {
        if (held == null) {
            String answer = call(queue, "queue", "POP");
            if (answer.equals("EMPTY")) {
                return IDLE_POLL;
            }
            Optional<VoteOption> vote = answer.startsWith("ITEM ")
                    ? VoteOption.of(answer.substring("ITEM ".length())) : Optional.empty();
            if (vote.isEmpty()) {
                // Not a vote (someone pushed another word): dropped, it can never be counted.
                report("worker: dropped \"" + answer + "\" from the queue: not a vote");
                return Duration.ZERO;
            }
            held = vote.get();
        }
        String answer = call(store, "store", "ADD " + held.code());
        if (!answer.startsWith("OK")) {
            throw new IOException("the store answered \"" + answer + "\"");
        }
        held = null;
        return Duration.ZERO;
    }

    private static String call(LineClient client, String role, String line) throws IOException {
        try {
            return client.call(line);
        } catch (IOException e) {
            throw new IOException("the " + role + " cannot be reached: " + e.getMessage(), e);
        }
    }

    private boolean pauseOrStop(Duration pause) {
        try {
            return stop.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void report(String line) {
        err.println(line);
        err.flush();
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
        store.close();
    }
}
