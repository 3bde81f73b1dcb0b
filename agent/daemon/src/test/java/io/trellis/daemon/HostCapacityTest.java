package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.NodeResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostCapacityTest {

    @Test
    void memoryIsMemTotalInBytes() {
        assertThat(HostCapacity.memTotal(List.of("MemFree:  100 kB", "MemTotal:       16318412 kB")))
                .isEqualTo(16318412L * 1024);
    }

    @Test
    void thisHostReportsItsProcessorsAndSomeMemory() {
        NodeResources r = HostCapacity.read();
        assertThat(r.nanoCpus()).isEqualTo(Runtime.getRuntime().availableProcessors() * 1_000_000_000L);
        assertThat(r.memoryBytes()).isPositive();
    }
}
