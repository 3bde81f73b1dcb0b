package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The result role over loopback with a real store: the counts it holds, as text and as a page. */
class ResultWorkloadTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Workload store;
    private LineClient storeClient;
    private Workload result;
    private String base;

    @BeforeEach
    void start() throws IOException {
        store = StoreWorkloadTest.startStore(dir);
        storeClient = QueueWorkloadTest.clientOf(store);
        ResultWorkload command = new ResultWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(HttpWorkloadTest.freePort()), "--bind",
                "127.0.0.1", "--store", "localhost:" + store.localAddress().getPort());
        result = command.start(WorkloadIdentity.fromEnvironment(Map.of("TRELLIS_TASK_NAME", "result.1",
                "TRELLIS_NODE_HOSTNAME", "node2")));
        base = "http://" + Workload.format(result.localAddress());
    }

    @AfterEach
    void stop() {
        result.close();
        storeClient.close();
        store.close();
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void showsTheStoresCountsAsTheyChange() throws Exception {
        assertThat(get("/", "*/*").body()).isEqualTo("Cats: 0\nDogs: 0\ntotal: 0\n");

        storeClient.call("ADD a");
        storeClient.call("ADD a");
        storeClient.call("ADD b");

        HttpResponse<String> text = get("/", "*/*");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValue(HttpReplies.TEXT);
        assertThat(text.body()).isEqualTo("Cats: 2\nDogs: 1\ntotal: 3\n");

        HttpResponse<String> page = get("/", "text/html");
        assertThat(page.headers().firstValue("Content-Type")).hasValue(HttpReplies.HTML);
        assertThat(page.body()).contains("<tr><td>Cats</td><td>2</td><td>67%</td></tr>",
                "<tr><td>Dogs</td><td>1</td><td>33%</td></tr>", "<p>3 votes</p>", "Processed by result.1 on node2",
                "<meta http-equiv=\"refresh\" content=\"2\">");
    }

    @Test
    void withoutItsStoreThePageIsAnsweredUnavailable() throws Exception {
        store.close();

        HttpResponse<String> r = get("/", "*/*");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("the store cannot be read now: ");
        assertThat(get("/nope", "*/*").statusCode()).isEqualTo(404);
    }
}
