package io.trellis.dataplane.tunnel;

import io.trellis.dataplane.offload.OffloadMode;

/** Offloads on: the path that reaches kernel-class throughput. */
final class KernelInteropWithOffloadsTest extends KernelInteropScenario {
    @Override
    OffloadMode offloads() {
        return OffloadMode.AUTO;
    }
}
