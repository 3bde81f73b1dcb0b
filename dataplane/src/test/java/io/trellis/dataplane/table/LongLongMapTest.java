package io.trellis.dataplane.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongLongMapTest {

    @Test
    void agreesWithHashMapOnRandomEntries() {
        Random r = new Random(7);
        Map<Long, Long> expected = new HashMap<>();
        LongLongMap.Builder b = new LongLongMap.Builder();
        for (int i = 0; i < 5000; i++) {
            long k = 0x02_42_0a_00_00_00L + r.nextInt(20000); // MACs sharing a prefix, with repeats
            long v = r.nextLong() & Long.MAX_VALUE;
            expected.put(k, v);
            b.put(k, v);
        }
        LongLongMap m = b.build();
        assertThat(m.size()).isEqualTo(expected.size());
        expected.forEach((k, v) -> assertThat(m.get(k)).isEqualTo(v));
        for (int i = 0; i < 1000; i++) {
            long k = 0x7fL << 40 | i;
            assertThat(m.get(k)).isEqualTo(LongLongMap.MISSING);
        }
        Map<Long, Long> visited = new HashMap<>();
        m.forEach(visited::put);
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void emptyMapAndReservedKey() {
        assertThat(LongLongMap.EMPTY.get(42)).isEqualTo(LongLongMap.MISSING);
        assertThat(LongLongMap.EMPTY.get(Long.MIN_VALUE)).isEqualTo(LongLongMap.MISSING);
        assertThatThrownBy(() -> new LongLongMap.Builder().put(Long.MIN_VALUE, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderCanKeepGoingAfterBuild() {
        LongLongMap.Builder b = new LongLongMap.Builder().put(1, 10);
        LongLongMap first = b.build();
        b.put(2, 20);
        assertThat(first.get(2)).isEqualTo(LongLongMap.MISSING);
        assertThat(b.build().get(2)).isEqualTo(20);
    }
}
