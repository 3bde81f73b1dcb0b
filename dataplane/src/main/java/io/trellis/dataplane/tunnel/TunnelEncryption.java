package io.trellis.dataplane.tunnel;

import io.trellis.dataplane.secure.EspVtep;
import io.trellis.ipsec.keyring.MasterKey;
import java.util.List;

/**
 * Encryption of a standalone tunnel ({@code trellis vxlan-tunnel --key-file F [--esp-port P]}): ESP in
 * UDP on {@code espPort} instead of plain VXLAN, under {@code keys} (the key file's lines: the send key
 * first, then a further key to accept).
 */
public record TunnelEncryption(int espPort, List<MasterKey> keys) {
    public static final int ESP_PORT_DEFAULT = EspVtep.PORT_DEFAULT;

    public TunnelEncryption {
        if (espPort < 1 || espPort > 65535) {
            throw new IllegalArgumentException("invalid --esp-port " + espPort + ": must be 1-65535");
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the key list is empty: it needs at least the key to send with");
        }
        keys = List.copyOf(keys);
    }
}
