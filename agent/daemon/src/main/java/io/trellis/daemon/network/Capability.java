package io.trellis.daemon.network;

import java.util.Optional;

/** Whether this host has something a data path needs, and if not, why not (for one log or error line). */
public record Capability(boolean available, String reason) {
    public static Capability yes() {
        return new Capability(true, "");
    }

    public static Capability no(String reason) {
        return new Capability(false, reason);
    }

    /** From a probe that answers with what is missing, empty when nothing is. */
    public static Capability ofMissing(Optional<String> missing) {
        return missing.map(Capability::no).orElseGet(Capability::yes);
    }
}
