package io.trellis.dist;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.InfoView;
import io.trellis.api.Json;
import io.trellis.api.NetworkView;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run behind the CLI's class-data archive (the build runs it once with
 * {@code -XX:ArchiveClassesAtExit}): client calls that need no agent, and the JSON the client
 * commands read, so the classes of a typical call come from the archive instead of the jar.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("trellis-cds");
        String missing = "unix://" + dir.resolve("no-agent.sock");
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        try {
            Main.execute(sink, sink, "--version");
            Main.execute(sink, sink, "--help");
            for (String[] command : new String[][] {{"node", "ls"}, {"node", "ps"}, {"service", "ls"},
                    {"service", "ps", "x"}, {"network", "ls"}, {"swarm", "join-token", "worker"}}) {
                List<String> argv = new java.util.ArrayList<>(List.of(command));
                argv.addAll(List.of("-H", missing));
                Main.execute(sink, sink, argv.toArray(String[]::new));
            }
            byte[] oneEmptyObject = "[{}]".getBytes(StandardCharsets.UTF_8);
            Json.pretty(Json.read(oneEmptyObject, new TypeReference<List<NodeView>>() { }));
            Json.pretty(Json.read(oneEmptyObject, new TypeReference<List<ServiceView>>() { }));
            Json.pretty(Json.read(oneEmptyObject, new TypeReference<List<TaskView>>() { }));
            Json.pretty(Json.read(oneEmptyObject, new TypeReference<List<NetworkView>>() { }));
            Json.bytes(Json.read("{}".getBytes(StandardCharsets.UTF_8), InfoView.class));
            Json.MAPPER.readTree("{\"message\":\"m\"}");
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
