package io.trellis.controlplane.api;

import java.util.Locale;

/** {@code --runtime process|docker}; none given lets each node choose (docker when its Engine has the image). */
public final class RuntimeOption {
    private RuntimeOption() {
    }

    /** @return {@code process}, {@code docker}, or null when not given */
    public static String parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String r = text.strip().toLowerCase(Locale.ROOT);
        if (!r.equals("process") && !r.equals("docker")) {
            throw ApiException.invalid("invalid --runtime \"" + text + "\": use process or docker");
        }
        return r;
    }
}
