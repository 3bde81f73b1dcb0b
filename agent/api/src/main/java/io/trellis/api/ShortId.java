package io.trellis.api;


/** The 12-character prefix Docker's listings show for an ID (the full ID stays valid input). */
public final class ShortId {
    public static final int LENGTH = 12;

    private ShortId() {
    }

    public static String of(String id) {
        return id == null ? "" : id.length() <= LENGTH ? id : id.substring(0, LENGTH);
    }
}
