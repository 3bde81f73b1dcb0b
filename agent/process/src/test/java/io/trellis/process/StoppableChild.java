package io.trellis.process;

import java.time.Duration;

/**
 * Run in a child JVM by {@link StopSignalsTest}: waits for its stop signal like a command does and
 * prints what happened. {@code exit N} also ends the JVM with {@code System.exit(N)} from another
 * thread; {@code hang} makes the stop action never finish.
 */
public final class StoppableChild {
    private StoppableChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean hang = args.length > 0 && args[0].equals("hang");
        StopSignals signals = StopSignals.install(() -> {
            System.out.println("stopping");
            System.out.flush();
            if (hang) {
                sleepForever();
            }
            System.out.println("stopped");
            System.out.flush();
        }, Duration.ofSeconds(1));
        System.out.println("ready");
        System.out.flush();
        if (args.length > 1 && args[0].equals("exit") || hang) {
            int code = hang ? 4 : Integer.parseInt(args[1]);
            new Thread(() -> System.exit(code), "exit").start();
        }
        signals.await();
        System.out.println("returned");
        System.out.flush();
        System.exit(0);
    }

    private static void sleepForever() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // keep hanging: that is the point
            }
        }
    }
}
