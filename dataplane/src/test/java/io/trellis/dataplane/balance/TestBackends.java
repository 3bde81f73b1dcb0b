package io.trellis.dataplane.balance;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Backends named like tasks, on loopback addresses that are never dialled. */
final class TestBackends {
    private TestBackends() {
    }

    static Backend backend(int i, int weight) {
        return new Backend(String.format("task-%03d", i), new InetSocketAddress("127.0.1." + (i % 250 + 1), 8080),
                weight);
    }

    /** {@code n} backends of weight 1. */
    static BackendSet equal(int n) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(backend(i, 1));
        }
        return BackendSet.of(list);
    }

    /** One backend per weight, in order. */
    static BackendSet weighted(int... weights) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(backend(i, weights[i]));
        }
        return BackendSet.of(list);
    }

    /** Backend ID → how often {@code picks} flows of a fixed pseudo-random sequence went to it. */
    static Map<String, Integer> histogram(Balancer balancer, int picks) {
        Map<String, Integer> counts = new TreeMap<>();
        long h = 42;
        for (int i = 0; i < picks; i++) {
            h = Hashes.mix64(h + i);
            counts.merge(balancer.pick(h).id(), 1, Integer::sum);
        }
        return counts;
    }
}
