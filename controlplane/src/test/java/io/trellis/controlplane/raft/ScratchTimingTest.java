package io.trellis.controlplane.raft;

import java.nio.file.Path;
import java.time.Duration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchTimingTest {
    @TempDir Path dir;
    @Test
    void timing() throws Exception {
        int port = RaftReplicaTest.freePort();
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            RaftReplica r = RaftReplica.start(RaftConfiguration.builder("n1", "127.0.0.1:" + port, dir).clusterId("x")
                .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300)).build(), new AppendLog(), new SimpleMeterRegistry());
            long t1 = System.nanoTime();
            r.awaitLeader(Duration.ofSeconds(10));
            long t2 = System.nanoTime();
            r.propose(AppendLog.bytes("a")).get();
            long t3 = System.nanoTime();
            r.close();
            long t4 = System.nanoTime();
            System.out.printf("TIMING start=%dms leader=%dms propose=%dms close=%dms%n", (t1-t0)/1000000, (t2-t1)/1000000, (t3-t2)/1000000, (t4-t3)/1000000);
        }
    }
}
