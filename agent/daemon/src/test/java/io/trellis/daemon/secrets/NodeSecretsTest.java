package io.trellis.daemon.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.protocol.ClusterMessages;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSecretsTest {
    private static ClusterMessages.Assignments answer(boolean full, Map<String, String> secrets, List<String> removed) {
        return new ClusterMessages.Assignments("s", full, List.of(), List.of(), List.of(), List.of(), secrets, removed);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }

    @Test
    void keepsWhatWasSentForgetsWhatWasTakenBackAndAFullAnswerReplacesAll() {
        NodeSecrets n = new NodeSecrets();
        n.apply(answer(true, Map.of("a", b64("A"), "b", b64("B")), List.of()));
        n.apply(answer(false, Map.of("c", b64("C")), List.of("a")));

        assertThat(n.value("a")).isNull();
        assertThat(n.value("b")).isEqualTo("B".getBytes());
        assertThat(n.value("c")).isEqualTo("C".getBytes());

        n.apply(answer(true, Map.of("c", b64("C")), List.of()));
        assertThat(n.value("b")).as("not in the new session's full answer").isNull();
        assertThat(n.size()).isEqualTo(1);
        n.value("c")[0] = 'X';
        assertThat(n.value("c")).isEqualTo("C".getBytes());
    }
}
