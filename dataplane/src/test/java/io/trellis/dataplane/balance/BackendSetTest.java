package io.trellis.dataplane.balance;

import static io.trellis.dataplane.balance.TestBackends.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BackendSetTest {
    @Test
    void sortsByIdWhateverTheOrderGiven() {
        BackendSet set = BackendSet.of(backend(2, 1), backend(0, 1), backend(1, 1));
        assertThat(set.backends()).extracting(Backend::id).containsExactly("task-000", "task-001", "task-002");
        assertThat(set.indexOf("task-002")).isEqualTo(2);
        assertThat(set.indexOf("nope")).isEqualTo(-1);
    }

    @Test
    void withReplacesByIdAndWithoutRemoves() {
        BackendSet set = BackendSet.of(backend(0, 1), backend(1, 1));
        BackendSet heavier = set.with(backend(1, 3));
        assertThat(heavier.size()).isEqualTo(2);
        assertThat(heavier.get(1).weight()).isEqualTo(3);
        assertThat(set.get(1).weight()).isEqualTo(1);
        assertThat(heavier.without("task-000").backends()).extracting(Backend::id).containsExactly("task-001");
        assertThat(set.without("task-000").without("task-001")).isSameAs(BackendSet.EMPTY);
    }

    @Test
    void refusesDuplicateIdsAndBadWeights() {
        assertThatThrownBy(() -> BackendSet.of(backend(0, 1), backend(0, 2)))
                .hasMessage("backend id task-000 appears twice");
        InetSocketAddress a = new InetSocketAddress("127.0.1.1", 80);
        assertThatThrownBy(() -> new Backend("t", a, 0)).hasMessage("backend t: weight must be between 1 and 1000, got 0");
        assertThatThrownBy(() -> new Backend("t", a, 1001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backend(" ", a)).hasMessage("backend id must not be blank");
    }

    @Test
    void reducesWeightsByTheirCommonDivisor() {
        BackendSet set = TestBackends.weighted(2, 4, 6);
        assertThat(set.reducedWeight(0)).isEqualTo(1);
        assertThat(set.reducedWeight(2)).isEqualTo(3);
        assertThat(set.reducedTotalWeight()).isEqualTo(6);
    }
}
