package io.trellis.workload;

import java.util.Optional;

/** The voting app's two choices, as the queue, the store and the pages name them. */
enum VoteOption {
    A("a", "Cats"), B("b", "Dogs");

    private final String code;
    private final String label;

    VoteOption(String code, String label) {
        this.code = code;
        this.label = label;
    }

    /** {@code a} or {@code b}: the form's value and the word on the wire. */
    String code() {
        return code;
    }

    String label() {
        return label;
    }

    static Optional<VoteOption> of(String code) {
        for (VoteOption o : values()) {
            if (o.code.equals(code)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
