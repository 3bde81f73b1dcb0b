package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.TaskView;
import io.trellis.api.client.AdminClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the lab tests ask of a node's admin API, each call checked for 200 with the body in the failure. */
final class LabAdmin {
    private LabAdmin() {
    }

    static void post(LabState.LabNode n, String path, Object body) throws IOException {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("POST", path, Json.bytes(body));
        assertThat(r.status()).as(path + ": " + r.bodyText()).isEqualTo(200);
    }

    static <T> T get(LabState.LabNode n, String path, TypeReference<T> type) throws IOException {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", path, null);
        assertThat(r.status()).as(path + ": " + r.bodyText()).isEqualTo(200);
        return Json.read(r.body(), type);
    }

    /** The service's tasks that run and are meant to, as {@code n} sees them. */
    static List<TaskView> running(LabState.LabNode n, String service) throws IOException {
        return get(n, "/services/" + service + "/tasks", new TypeReference<List<TaskView>>() { }).stream()
                .filter(t -> t.state().equals("Running") && t.desiredState().equals("Running")).toList();
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
