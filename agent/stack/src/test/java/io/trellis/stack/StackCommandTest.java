package io.trellis.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack verbs' output and their refusals before any agent is contacted (none runs here: that would be exit 2). */
class StackCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args, StackCommand.class);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void configPrintsTheMergedFileAndWarnsOnStderr() throws IOException {
        Path a = write("a.yml", "services:\n  web:\n    image: web\n    build: .\n    environment: [B=2, A=1]\n");
        Path b = write("b.yml", "services:\n  web:\n    image: web:2\n");
        Run r = run("stack", "config", "-c", a.toString(), "-c", b.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                services:
                  web:
                    environment:
                      A: '1'
                      B: '2'
                    image: web:2
                """);
        assertThat(r.err().strip()).isEqualTo("warning: " + a + ":4: services.web.build: ignored: stacks deploy"
                + " images, build them first");
    }

    @Test
    void badInputIsOneLineAndExitOneBeforeTheAgentIsAsked() throws IOException {
        Path bad = write("bad.yml", "services:\n  web:\n    image: web\n    ports: [\"80x\"]\n");
        Run r = run("stack", "deploy", "-H", "unix://" + dir.resolve("no.sock"), "-c", bad.toString(), "s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: " + bad + ":4: services.web.ports[0]: invalid port \"80x\":"
                + " expected [PUBLISHED:]TARGET[/PROTOCOL]");

        Path good = write("good.yml", "services:\n  web: {image: web, secrets: [pw]}\nsecrets:\n  pw: {file: pw}\n");
        r = run("stack", "deploy", "-H", "unix://" + dir.resolve("no.sock"), "-c", good.toString(), "s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: secrets.pw: cannot read " + dir.resolve("pw"));

        r = run("stack", "deploy", "-H", "unix://" + dir.resolve("no.sock"), "-c", good.toString(), "bad name");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: invalid stack name \"bad name\"");

        write("pw", "x");
        r = run("stack", "deploy", "-H", "unix://" + dir.resolve("no.sock"), "-c", good.toString(), "s");
        assertThat(r.code()).as("valid: now the agent is asked, and is not there").isEqualTo(2);
    }
}
