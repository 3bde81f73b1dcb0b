package io.trellis.dataplane.tunnel;

import io.trellis.dataplane.offload.OffloadMode;

/** Offloads off: one frame per read and per datagram. */
final class KernelInteropWithoutOffloadsTest extends KernelInteropScenario {
    @Override
    OffloadMode offloads() {
        return OffloadMode.OFF;
    }
}
