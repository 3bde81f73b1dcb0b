package io.trellis.controlplane.atrest;

import java.io.IOException;

/** Stores the ring on disk whenever a rotation adds a key, sealed as the data key always is. */
@FunctionalInterface
public interface RingKeeper {
    RingKeeper NONE = ring -> { };

    void keep(KeyRing ring) throws IOException;
}
