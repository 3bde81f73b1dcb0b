package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code workload fetch} against a real http workload: one line per answer, exit 1 when any request fails. */
class FetchCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Workload workload;
    private String base;

    @BeforeEach
    void start() throws Exception {
        HttpWorkload command = new HttpWorkload();
        new CommandLine(command).parseArgs("--port", Integer.toString(HttpWorkloadTest.freePort()), "--bind", "127.0.0.1");
        workload = command.start(WorkloadIdentity.fromEnvironment(Map.of("TRELLIS_TASK_NAME", "web.2",
                "TRELLIS_TASK_ID", "k3j5h2l4m6n8p0q2", "TRELLIS_SERVICE_NAME", "web", "TRELLIS_NODE_HOSTNAME", "node3")));
        base = "http://" + Workload.format(workload.localAddress()) + "/";
    }

    @AfterEach
    void stop() {
        workload.close();
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new FetchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void printsOneLineNamingTheTaskPerAnswer() {
        assertThat(run(base, "--count", "2")).isZero();
        assertThat(out.toString().lines().toList()).hasSize(2).allMatch(l ->
                l.matches("\\d: web\\.2 \\[k3j5h2l4m6n8\\] on node3 \\(saw client 127\\.0\\.0\\.1:\\d+\\)"));
    }

    @Test
    void aClientNamedByAProxyHeaderIsShownWithTheProxy() {
        String body = "task: web.2\ntask-id: k3j5h2l4m6n8p0q2\nservice: web\nnode: node3\nRemoteAddr: 10.0.0.3:40112\n"
                + "ClientAddr: 203.0.113.7:4242\nProxyProtocol: v2\nmethod: GET\npath: /\n";

        assertThat(FetchCommand.summary(body))
                .isEqualTo("web.2 [k3j5h2l4m6n8] on node3 (saw client 203.0.113.7:4242 via PROXY v2 from 10.0.0.3:40112)");
    }

    @Test
    void anAnswerOfAnOlderTrellisStillNamesItsClient() {
        assertThat(FetchCommand.summary("task: web.2\ntask-id: k3\nnode: node3\nclient: 10.0.1.7:53492\n"))
                .isEqualTo("web.2 [k3] on node3 (saw client 10.0.1.7:53492)");
    }

    @Test
    void aFailedRequestIsPrintedAndMakesTheExitCodeOne() {
        workload.close();
        assertThat(run(base, "--count", "2", "--timeout-ms", "500")).isEqualTo(1);
        assertThat(out.toString().lines().toList()).hasSize(2).allMatch(l -> l.contains(": failed: "));
    }

    @Test
    void badInputIsOneLineAndExitOne() {
        assertThat(run("http://x/", "--count", "0")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("invalid --count 0: must be 1-10000" + System.lineSeparator());
        assertThat(run("not a url")).isEqualTo(1);
        assertThat(err.toString()).contains("invalid URL not a url");
    }
}
