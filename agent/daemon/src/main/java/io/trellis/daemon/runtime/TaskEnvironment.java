package io.trellis.daemon.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The task command's environment, handed to the sandbox as a root-only file ({@code KEY=VALUE}
 * entries separated by NUL): variables such as LD_PRELOAD must not reach the root-run programs
 * that set the sandbox up, only the command itself.
 */
final class TaskEnvironment {
    static final String FILE = "environment";

    private TaskEnvironment() {
    }

    static Path write(Path taskDir, Map<String, String> env) throws IOException {
        StringBuilder b = new StringBuilder();
        env.forEach((k, v) -> b.append(k).append('=').append(v).append('\0'));
        Path file = taskDir.resolve(FILE);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }
}
