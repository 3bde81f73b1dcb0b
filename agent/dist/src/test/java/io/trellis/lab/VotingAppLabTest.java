package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.dist.Main;
import io.trellis.process.SelfLauncher;
import io.trellis.testing.agent.AgentCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The repository's voting app example deployed as a stack in a three-node lab, as its README tells: a vote
 * cast through one node's published port 5000 is counted on the other nodes' result pages (5001), and
 * {@code stack rm} leaves no service, network or secret of the stack.
 */
@Tag("netns")
@ExtendWith(SharedLab.class)
class VotingAppLabTest {
    private static final Path STACK_FILE = Path.of("../../examples/voting-app/process-stack.yml");
    private static final Pattern CATS = Pattern.compile("Cats: (\\d+)");
    private static final List<String> SERVICES = List.of("vote", "redis", "worker", "db", "result");

    /** The store's volume target in the example: the sandbox makes a missing mount point on the host. */
    private static final Path MOUNT_POINT = Path.of("/var/lib/votes");
    private static List<LabState.LabNode> nodes;
    private static AgentCli cli;
    private static boolean mountPointWasThere;

    @BeforeAll
    static void up(SharedLab.Cluster cluster) {
        mountPointWasThere = Files.exists(MOUNT_POINT);
        nodes = cluster.nodes();
        cli = new AgentCli(Main::execute, node(1).host());
    }

    @AfterAll
    static void down() throws Exception {
        if (!mountPointWasThere) {
            Files.deleteIfExists(MOUNT_POINT); // empty: the votes are in the volume under the lab's data dirs
        }
    }

    @Test
    void aVoteCastOnOneNodeIsCountedOnTheOthers() throws Exception {
        assertThat(cli.ok("stack", "deploy", "-c", STACK_FILE.toString(), "voting").lines().toList()).contains(
                "Creating network voting_frontend", "Creating network voting_backend", "Creating service voting_vote",
                "Creating service voting_db");
        await().atMost(90, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(LabAdmin.running(node(1), "voting_vote")).hasSize(2);
            for (String s : SERVICES.subList(1, SERVICES.size())) {
                assertThat(LabAdmin.running(node(1), "voting_" + s)).as(s).hasSize(1);
            }
        });

        // The count before: the result page answers once result and db listen (and the db's volume may hold votes).
        long before = cats(awaitFetch(node(1), "http://" + node(2).address() + ":5001/"));

        String voted = awaitFetch(node(2), "http://" + node(1).address() + ":5000/vote", "--post", "option=a");
        assertThat(voted).isEqualTo("voted a (Cats)");

        for (LabState.LabNode asked : List.of(node(2), node(3))) {
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(cats(awaitFetch(node(1), "http://" + asked.address() + ":5001/")))
                            .as("Cats on " + asked.name()).isEqualTo(before + 1));
        }

        cli.ok("stack", "rm", "voting");
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(names("/services")).noneMatch(n -> n.startsWith("voting_"));
            assertThat(names("/networks")).noneMatch(n -> n.startsWith("voting_"));
            assertThat(names("/secrets")).noneMatch(n -> n.startsWith("voting_"));
        });
        assertThat(cli.ok("stack", "ls")).doesNotContain("voting");
    }

    private static long cats(String resultPage) {
        Matcher m = CATS.matcher(resultPage);
        assertThat(m.find()).as(resultPage).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static List<String> names(String path) throws Exception {
        return LabAdmin.get(node(1), path, new TypeReference<List<Map<String, Object>>>() { }).stream()
                .map(o -> String.valueOf(o.get("name"))).toList();
    }

    /** {@code trellis workload fetch URL [OPTIONS]} from inside {@code from}'s namespace until it succeeds; the answer. */
    private static String awaitFetch(LabState.LabNode from, String url, String... options) {
        List<String> answer = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<String> command = new ArrayList<>(List.of("trellis", "workload", "fetch", url, "--timeout-ms",
                    "2000"));
            command.addAll(List.of(options));
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", from.namespace()));
            argv.addAll(SelfLauncher.current().resolve(command));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("fetch ended").isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            answer.clear();
            out.lines().filter(l -> l.startsWith("1: ")).map(l -> l.substring(3)).forEach(answer::add);
            assertThat(answer).as(out).hasSize(1);
        });
        return answer.get(0);
    }

    private static LabState.LabNode node(int i) {
        return nodes.get(i - 1);
    }
}
