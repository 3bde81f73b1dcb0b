package io.trellis.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * Which top-level commands a command line needs. Picocli reflects over every command it is given,
 * and a start-up spends most of its time there; {@code trellis node ls} only needs {@code node}.
 * Anything else (help, a typo that deserves suggestions) gets all.
 */
final class CommandSelection {
    private CommandSelection() {
    }

    /** @param commands command classes or instances annotated with {@link Command} */
    static List<Object> needed(String[] args, List<Object> commands) {
        if (args.length == 0) {
            return commands;
        }
        String first = args[0];
        for (Object command : commands) {
            if (names(command).contains(first)) {
                return List.of(command);
            }
        }
        return commands;
    }

    private static List<String> names(Object command) {
        Class<?> type = command instanceof Class<?> c ? c : command.getClass();
        Command annotation = type.getAnnotation(Command.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type.getName() + " is not a picocli @Command");
        }
        List<String> names = new ArrayList<>(Arrays.asList(annotation.aliases()));
        names.add(annotation.name());
        return names;
    }
}
