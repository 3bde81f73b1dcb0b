package io.trellis.dataplane.secure;

import io.trellis.dataplane.offload.OffloadMode;

/** {@link EncryptedTunnelScenario} with TAP TSO + UDP GSO/GRO: runs of ESP datagrams at one stride. */
class EncryptedTunnelWithOffloadsTest extends EncryptedTunnelScenario {
    @Override
    OffloadMode offloads() {
        return OffloadMode.AUTO;
    }
}
