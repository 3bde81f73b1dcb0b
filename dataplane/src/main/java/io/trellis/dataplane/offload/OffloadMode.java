package io.trellis.dataplane.offload;

import java.util.Locale;

/** The {@code --offload auto|off} switch: whether the data plane may use kernel offloads at all. */
public enum OffloadMode {
    /** Use TAP TSO, UDP GSO and UDP GRO where the kernel and transport offer them. */
    AUTO,
    /** Plain frames and one datagram per send and receive: for debugging, or to measure the gain. */
    OFF;

    /** Parses the flag value; a one-line error names the allowed values. */
    public static OffloadMode parse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "auto":
            case "on":
                return AUTO;
            case "off":
                return OFF;
            default:
                throw new IllegalArgumentException("invalid --offloads \"" + value + "\": use auto (or on) or off");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
