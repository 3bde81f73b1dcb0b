package io.trellis.daemon.runtime;

import io.trellis.api.Json;
import io.trellis.process.sandbox.SandboxUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who a task runs as and what it may do, kept in its folder when it starts: an exec into the task
 * (a later call, or after an agent restart) runs with exactly the same.
 */
record TaskIdentity(int uid, int gid, String home, List<String> capabilities) {
    static final String FILE = "sandbox.json";

    TaskIdentity {
        capabilities = List.copyOf(capabilities);
    }

    static TaskIdentity of(SandboxUser user, Set<String> capabilities) {
        return new TaskIdentity(user.uid(), user.gid(), user.home(), capabilities.stream().sorted().toList());
    }

    SandboxUser user() {
        return new SandboxUser(uid, gid, home);
    }

    void write(Path taskDir) throws IOException {
        Path tmp = taskDir.resolve(FILE + ".tmp");
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(this));
        Files.move(tmp, taskDir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static Optional<TaskIdentity> read(Path taskDir) {
        Path p = taskDir.resolve(FILE);
        try {
            return Files.exists(p) ? Optional.of(Json.MAPPER.readValue(p.toFile(), TaskIdentity.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
