package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The vote role over loopback with a real queue: the ballot, and each vote pushed to the queue. */
class VoteWorkloadTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final HttpClient http = HttpClient.newHttpClient();
    private Workload queue;
    private LineClient queueClient;
    private Workload vote;
    private String base;

    @BeforeEach
    void start() throws IOException {
        queue = QueueWorkloadTest.startQueue();
        queueClient = QueueWorkloadTest.clientOf(queue);
        vote = startVote(queue.localAddress().getPort());
        base = "http://" + Workload.format(vote.localAddress());
    }

    @AfterEach
    void stop() {
        vote.close();
        queueClient.close();
        queue.close();
    }

    private static Workload startVote(int queuePort) throws IOException {
        VoteWorkload command = new VoteWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(HttpWorkloadTest.freePort()), "--bind",
                "127.0.0.1", "--queue", "localhost:" + queuePort);
        return command.start(WorkloadIdentity.fromEnvironment(Map.of("TRELLIS_TASK_NAME", "vote.1",
                "TRELLIS_NODE_HOSTNAME", "node1")));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, String accept) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", FORM)
                .header("Accept", accept).POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    @Test
    void aBrowserGetsTheBallotAndCurlItsText() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/"))
                .header("Accept", "text/html,application/xhtml+xml").build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue(HttpReplies.HTML);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/vote\">",
                "<button name=\"option\" value=\"a\">Cats</button>", "<button name=\"option\" value=\"b\">Dogs</button>",
                "Processed by vote.1 on node1");

        HttpResponse<String> text = send(HttpRequest.newBuilder(URI.create(base + "/")).header("Accept", "*/*").build());
        assertThat(text.headers().firstValue("Content-Type")).hasValue(HttpReplies.TEXT);
        assertThat(text.body()).startsWith("Cats vs Dogs!\n").contains("curl -d option=a http://HOST/vote   for Cats");
        assertThat(queueClient.call("LEN")).isEqualTo("LEN 0");
    }

    @Test
    void eachVoteIsPushedToTheQueueInOrder() throws Exception {
        HttpResponse<String> first = post("/vote", "option=b", "*/*");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("voted b (Dogs)\n");

        HttpResponse<String> browser = post("/", "option=a", "text/html");
        assertThat(browser.statusCode()).isEqualTo(200);
        assertThat(browser.body()).contains("Thank you: one vote for Cats.");

        assertThat(queueClient.call("POP")).isEqualTo("ITEM b");
        assertThat(queueClient.call("POP")).isEqualTo("ITEM a");
        assertThat(queueClient.call("POP")).isEqualTo("EMPTY");
    }

    @Test
    void workloadFetchCastsAVoteWithPost() throws IOException {
        StringWriter out = new StringWriter();
        CommandLine fetch = new CommandLine(new FetchCommand()).setOut(new PrintWriter(out, true));

        assertThat(fetch.execute("--post", "option=a", base + "/vote")).isZero();

        assertThat(out.toString()).isEqualTo("1: voted a (Cats)" + System.lineSeparator());
        assertThat(queueClient.call("POP")).isEqualTo("ITEM a");
    }

    @Test
    void anythingButOptionAOrBIsRefusedAndNotQueued() throws Exception {
        assertThat(post("/vote", "option=c", "*/*").statusCode()).isEqualTo(400);
        assertThat(post("/vote", "option=a&option=b", "*/*").statusCode()).isEqualTo(400);
        assertThat(post("/vote", "", "*/*").body()).isEqualTo("send option=a or option=b\n");
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/admin")).build()).statusCode()).isEqualTo(404);

        assertThat(queueClient.call("LEN")).isEqualTo("LEN 0");
    }

    @Test
    void withoutItsQueueAVoteIsAnsweredUnavailable() throws Exception {
        queue.close();

        HttpResponse<String> r = post("/vote", "option=a", "*/*");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("the queue cannot take votes now: ");
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build()).body()).isEqualTo("ok\n");
    }
}
