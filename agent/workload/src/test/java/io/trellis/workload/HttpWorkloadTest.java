package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HttpWorkloadTest {
    private static final WorkloadIdentity WEB_1 = WorkloadIdentity.fromEnvironment(Map.of(
            "TRELLIS_TASK_NAME", "web.1", "TRELLIS_TASK_ID", "t0k3n", "TRELLIS_SERVICE_NAME", "web",
            "TRELLIS_NODE_HOSTNAME", "node1"));

    private final HttpClient http = HttpClient.newHttpClient();
    private Workload workload;
    private String base;

    @BeforeEach
    void start() throws IOException {
        HttpWorkload command = new HttpWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(freePort()), "--bind", "127.0.0.1");
        workload = command.start(WEB_1);
        base = "http://" + Workload.format(workload.localAddress());
    }

    @AfterEach
    void stop() {
        workload.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAnyPathWithWhoServedItAndWhomItSaw() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/x")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).matches("task: web.1\ntask-id: t0k3n\nservice: web\nnode: node1\n"
                + "RemoteAddr: 127\\.0\\.0\\.1:(\\d+)\nClientAddr: 127\\.0\\.0\\.1:\\1\nProxyProtocol: none\n"
                + "method: GET\npath: /x\n");
    }

    @Test
    void answersInJsonWhenAskedByQueryOrAcceptHeader() throws Exception {
        HttpResponse<String> byQuery = send(HttpRequest.newBuilder(URI.create(base + "/api?format=json"))
                .POST(HttpRequest.BodyPublishers.ofString("ignored")));
        HttpResponse<String> byAccept = send(HttpRequest.newBuilder(URI.create(base + "/"))
                .header("Accept", "application/json"));

        assertThat(byQuery.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(byQuery.body()).matches("\\{\"task\":\"web.1\",\"task-id\":\"t0k3n\",\"service\":\"web\","
                + "\"node\":\"node1\",\"remoteAddr\":\"127\\.0\\.0\\.1:(\\d+)\",\"clientAddr\":\"127\\.0\\.0\\.1:\\1\","
                + "\"proxyProtocol\":\"none\",\"method\":\"POST\",\"path\":\"/api\"}\n");
        assertThat(byAccept.body()).startsWith("{\"task\":\"web.1\"").contains("\"path\":\"/\"");
    }

    @Test
    void healthzAnswersOk() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/healthz")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void headGetsHeadersWithoutABody() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/x"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("Content-Length").orElse(0)).isPositive();
        assertThat(r.body()).isEmpty();
    }

    @Test
    void closeFreesThePort() throws Exception {
        int port = workload.localAddress().getPort();
        workload.close();

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
