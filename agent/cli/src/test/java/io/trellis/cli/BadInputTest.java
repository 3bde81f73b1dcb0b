package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad flags and values are refused by the CLI itself, before it contacts an agent: every command
 * here runs against a socket nobody listens on, so a command that connected first would exit 2
 * ("cannot reach the Trellis agent") instead of 1 with its one line. What needs the cluster to be
 * judged (names, labels, the constraint grammar) is checked by the agent: agent/dist's end-to-end tests.
 */
class BadInputTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "trellis {0}")
    @CsvSource(delimiter = '|', value = {
            "service create --bogus --name x img sleep 1 | --bogus",
            "service create --name x --replicas -1 img sleep 1 | replicas",
            "service create --name x --replicas abc img sleep 1 | abc",
            "service create --name x --env NOVALUE img sleep 1 | --env",
            "service create --name x --mode both img | --mode",
            "service create --name x --mode global --replicas 2 img | --replicas",
            "service create --name x --replicas-max-per-node -1 img | --replicas-max-per-node",
            "service create --name x --replicas-max-per-node two img | two",
            "service scale web=x | not a number",
            "service scale web=-1 | invalid replicas -1 for web",
            "service ls --format yaml | --format",
            "node update --availability sleep self | --availability",
            "node update self | nothing to update",
            "node update --label-add =v self | --label-add",
            "node update --availability drain | NODE",
            "node ps --format yaml | --format",
            "swarm join-token admin | invalid role",
            "swarm init --default-addr-pool-mask-length x | x",
            "service create --name x --network alias=a img | name=NAME is missing",
            "service create --name x --network name=a,ip=10.0.0.9 img | unknown field ip",
            "service create --name x --network name= img | name needs a value",
            "service create --name x --endpoint-mode rr img | invalid --endpoint-mode \"rr\": use vip or dnsrr",
            "service update --replicas -2 web | invalid replicas -2 for web",
            "service update --env-add NOVALUE web | invalid --env \"NOVALUE\": expected KEY=VALUE",
            "service update --update-parallelism -1 web | invalid --update-parallelism -1: must be 0 (all at once) or more",
            "service update --update-failure-action stop web | invalid --update-failure-action \"stop\": use pause, continue or rollback",
            "service update --rollback-failure-action rollback web | invalid --rollback-failure-action \"rollback\": use pause or continue",
            "service update --update-order random web | invalid --update-order \"random\": use stop-first or start-first",
            "service create --name x --update-order any img | invalid --update-order \"any\": use stop-first or start-first",
            "service update --update-parallelism two web | two",
            "service rollback | SERVICE",
            "service update --network-add name=a,alias= web | alias needs a value",
            "service update --network-rm a | SERVICE",
            "service create --name x --health-retries three img | three",
            "network create --driver bridge front | invalid driver \"bridge\": only overlay networks span the swarm",
            "network create -o mtu=1400 front | invalid --opt \"mtu=1400\": the overlay driver knows only encrypted",
            "network create --opt encrypted=yes front | use encrypted or encrypted=true|false",
            "network create --gateway 10.1.0.1 front | --gateway needs --subnet",
            "network create --label =x front | --label",
            "network create --subnet 10.1.0.0/24 | NAME",
            "network ls --format yaml | --format",
            "network inspect --format table front | network inspect prints json",
            "network rm | NETWORK",
            "secret create .bad - | invalid secret name \".bad\": use 1-64 characters [a-zA-Z0-9_.-], starting with a letter or digit",
            "secret create a/b - | invalid secret name \"a/b\"",
            "secret create db_pw | FILE",
            "secret create db_pw no-such-file | cannot read no-such-file: no such file",
            "secret ls --format yaml | --format",
            "secret rm | SECRET",
            "info --format=yaml | invalid --format \"yaml\": use table or json",
    })
    void isOneLineExitOneWithoutContactingTheAgent(String command, String mentions) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> argv = new ArrayList<>(List.of(command.split(" ")));
        argv.addAll(2, List.of("--host", "unix://" + dir.resolve("nobody.sock"))); // an option of the command

        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), argv.toArray(String[]::new));

        assertThat(code).as(err.toString()).isEqualTo(CliException.USER_ERROR);
        assertThat(err.toString().strip()).contains(mentions).doesNotContain("\n").doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
        assertThat(Files.exists(dir.resolve("nobody.sock"))).isFalse();
    }
}
