package io.trellis.dataplane.secure;

import io.trellis.dataplane.offload.OffloadMode;

/** {@link EncryptedTunnelScenario} without offloads: one frame per read, one ESP datagram per send. */
class EncryptedTunnelWithoutOffloadsTest extends EncryptedTunnelScenario {
    @Override
    OffloadMode offloads() {
        return OffloadMode.OFF;
    }
}
