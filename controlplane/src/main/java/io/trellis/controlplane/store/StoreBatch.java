package io.trellis.controlplane.store;

import java.util.List;

/** One log entry: ops applied all together or not at all. */
public record StoreBatch(List<StoreOp> ops) {

    public StoreBatch {
        ops = List.copyOf(ops);
    }

    public static StoreBatch of(StoreOp... ops) {
        return new StoreBatch(List.of(ops));
    }
}
