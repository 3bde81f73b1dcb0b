package io.trellis.api;

import java.util.List;

/**
 * Body of {@code POST /tasks/{ref}/exec} and of the node port's exec route.
 *
 * @param command the program and its arguments, run inside the task
 * @param stdin   base64 of what the command reads on standard input ({@code exec -i}); null: nothing
 */
public record ExecRequest(List<String> command, String stdin) {

    /** What a command may be fed: stdin travels in one request, through a manager. */
    public static final int MAX_STDIN_BYTES = 1024 * 1024;

    public ExecRequest {
        command = command == null ? List.of() : List.copyOf(command);
    }
}
