package io.trellis.stack;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A compose {@code healthcheck.test} as the one shell command {@code --health-cmd} takes: {@code CMD-SHELL}'s
 * command as it is, {@code CMD}'s program and arguments each quoted for {@code /bin/sh -c}.
 */
final class HealthCommand {
    private HealthCommand() {
    }

    static String shell(List<String> test) {
        if (test.get(0).equals("CMD-SHELL")) {
            return test.get(1);
        }
        return test.subList(1, test.size()).stream().map(HealthCommand::quote).collect(Collectors.joining(" "));
    }

    /** Single quotes keep everything literal; a single quote itself is closed, escaped and reopened. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=@%+,".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
