package io.trellis.controlplane.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Run in a child JVM by {@link KillNineRestartTest}: starts a single peer, waits until each of
 * {@code count} entries is acknowledged, prints {@link #READY} and waits to be killed. Should the
 * test JVM die first, stdin reaches end of file and this process halts rather than linger.
 */
public final class ProposingPeer {

    static final String READY = "ready";

    private ProposingPeer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        RaftReplica replica = RaftReplica.start(KillNineRestartTest.config(dir, port), new AppendLog(),
                new SimpleMeterRegistry());
        replica.awaitLeader(Duration.ofSeconds(10));
        for (int i = 1; i <= count; i++) {
            replica.propose(AppendLog.bytes("k" + i)).get(5, TimeUnit.SECONDS);
        }
        System.out.println(READY);
        System.out.flush();
        while (System.in.read() != -1) {
            // the test never writes; only its death ends this loop
        }
        Runtime.getRuntime().halt(1);
    }
}
