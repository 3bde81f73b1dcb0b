package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetPolicyTest {
    private static final String LAB = """
            {"managers":1,"nodes":[
              {"name":"node1","namespace":"trellis-lab-node1","address":"10.1.2.3","socket":"/run/x.sock","role":"manager"},
              {"name":"node2","namespace":"trellis-lab-node2","address":"10.1.2.4","socket":"/run/y.sock","role":"worker"}]}
            """;

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    @Test
    void loopbackOnlyByDefault() throws IOException {
        TargetPolicy policy = new TargetPolicy(Set.of(), false);

        assertThat(policy.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(policy.refusal(ip("127.45.6.7"))).isEmpty();
        assertThat(policy.refusal(ip("::1"))).isEmpty();
        assertThat(policy.refusal(ip("10.1.2.3"))).hasValueSatisfying(why -> assertThat(why)
                .isEqualTo("10.1.2.3 is neither loopback (127.0.0.0/8) nor a node of the running lab"
                        + " (use --allow-any-target to load it anyway)"));
        assertThat(policy.refusal(ip("128.0.0.1"))).isPresent();
    }

    @Test
    void allowAnyTargetAllowsAnything() throws IOException {
        assertThat(new TargetPolicy(Set.of(), true).refusal(ip("10.1.2.3"))).isEmpty();
    }

    @Test
    void theRunningLabsNodesAreAllowed(@TempDir Path dir) throws IOException {
        Path state = Files.writeString(dir.resolve("lab.json"), LAB);
        Set<InetAddress> lab = LabTargets.read(state);

        assertThat(lab).containsExactlyInAnyOrder(ip("10.1.2.3"), ip("10.1.2.4"));
        TargetPolicy policy = new TargetPolicy(lab, false);
        assertThat(policy.refusal(ip("10.1.2.3"))).isEmpty();
        assertThat(policy.refusal(ip("10.1.2.5"))).isPresent();
    }

    @Test
    void noLabFileMeansNoLabAddresses(@TempDir Path dir) throws IOException {
        assertThat(LabTargets.read(dir.resolve("lab.json"))).isEmpty();
    }

    @Test
    void aLabFileThatIsNotTheLabsIsAnError(@TempDir Path dir) throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"nodes\": 3}");
        Path name = Files.writeString(dir.resolve("name.json"), "{\"nodes\":[{\"address\":\"example.com\"}]}");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"nodes\":[");

        assertThatThrownBy(() -> LabTargets.read(garbage)).hasMessageContaining("has no nodes list");
        assertThatThrownBy(() -> LabTargets.read(name)).hasMessageContaining("not an IP address: \"example.com\"");
        assertThatThrownBy(() -> LabTargets.read(broken)).isInstanceOf(IOException.class);
    }

    @Test
    void theCommandRefusesAnAddressOutsideLoopbackAndTheLabInOneLine(@TempDir Path dir) {
        Loadtest.Result result = Loadtest.run(dir.resolve("none.json"), "--target", "10.1.2.3:80", "-d", "1s");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).containsExactly("error: refusing target 10.1.2.3:80: 10.1.2.3 is neither"
                + " loopback (127.0.0.0/8) nor a node of the running lab (use --allow-any-target to load it anyway)");
    }

    @Test
    void theCommandReadsTheLabFileItIsGiven(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("lab.json"), "{\"nodes\":[");

        Loadtest.Result result = Loadtest.run(broken, "--target", "10.1.2.3:80", "-d", "1s");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines()).singleElement().asString()
                .startsWith("error: cannot read the lab's node addresses: " + broken + " is not JSON: ");
    }

    @Test
    void aHostNameIsCheckedByTheAddressItResolvesTo() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.ok())) {
            Loadtest.Result result = Loadtest.run("--target", "localhost:" + server.port(), "-d", "200ms", "-c", "1",
                    "--json");

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.json().get("address").asText()).startsWith("127.");
            assertThat(result.json().get("target").asText()).isEqualTo("localhost:" + server.port());
        }
    }
}
