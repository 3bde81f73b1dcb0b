package io.trellis.cli;

import java.util.List;

/** {@code --args "sh -c 'echo hi'"}: the words of {@link io.trellis.api.ShellWords}, or one line naming the flag. */
final class ShellWords {
    private ShellWords() {
    }

    static List<String> split(String flag, String text) {
        try {
            return io.trellis.api.ShellWords.split(text);
        } catch (IllegalArgumentException e) {
            throw CliException.user("invalid " + flag + " \"" + text + "\": " + e.getMessage());
        }
    }
}
