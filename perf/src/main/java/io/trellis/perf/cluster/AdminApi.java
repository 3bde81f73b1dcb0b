package io.trellis.perf.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.InfoView;
import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.TaskView;
import io.trellis.api.client.AdminClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The admin API calls the benchmarks make, over one agent's Unix socket (what the CLI sends). */
final class AdminApi {
    private final String host;
    private volatile String lastRefusal = "none";

    AdminApi(String host) {
        this.host = host;
    }

    String host() {
        return host;
    }

    InfoView info() throws IOException {
        return Json.read(get("/info").body(), InfoView.class);
    }

    /** {@code node ls} as this manager answers it. */
    List<NodeView> nodes() throws IOException {
        return Json.read(get("/nodes").body(), new TypeReference<List<NodeView>>() { });
    }

    /** {@code service ps NAME}. */
    List<TaskView> tasks(String service) throws IOException {
        return Json.read(get("/services/" + service + "/tasks").body(), new TypeReference<List<TaskView>>() { });
    }

    /** The hostname {@code node ls} shows as Leader, if any. */
    Optional<String> leaderHostname() throws IOException {
        return nodes().stream().filter(n -> "Leader".equals(n.managerStatus())).map(NodeView::hostname).findFirst();
    }

    /** {@code service create}; true when the manager acknowledged it (HTTP 200: committed and applied). */
    boolean createService(String name, int replicas, List<String> command) throws IOException {
        AdminClient.Response r = AdminClient.forHost(host).send("POST", "/services", Json.bytes(Map.of(
                "name", name, "image", "bench", "command", command, "replicas", replicas)));
        if (r.status() != 200) {
            lastRefusal = "HTTP " + r.status() + " " + r.bodyText().strip();
        }
        return r.status() == 200;
    }

    /** The answer to the last refused write, for the report when a run fails. */
    String lastRefusal() {
        return lastRefusal;
    }

    /** {@code service scale NAME=REPLICAS}; true when acknowledged. */
    boolean scale(String service, int replicas) throws IOException {
        return AdminClient.forHost(host).send("POST", "/services/scale", Json.bytes(Map.of(service, replicas)))
                .status() == 200;
    }

    private AdminClient.Response get(String path) throws IOException {
        AdminClient.Response r = AdminClient.forHost(host).send("GET", path, null);
        if (r.status() != 200) {
            throw new IOException(host + " GET " + path + ": HTTP " + r.status() + " " + r.bodyText().strip());
        }
        return r;
    }
}
