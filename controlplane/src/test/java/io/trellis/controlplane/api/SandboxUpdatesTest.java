package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ContainerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxUpdatesTest {
    private final ContainerSpec current = ContainerSpec.DEFAULT.withCapabilities(List.of("CAP_NET_ADMIN"),
            List.of("CAP_NET_BIND_SERVICE")).withUser("1000");

    @Test
    void capAddAndCapDropMoveNamesBetweenTheListsAsDockerDoes() {
        ContainerSpec next = SandboxUpdates.apply(current, null, List.of("net_bind_service", "CAP_CHOWN"),
                List.of("net_admin"), null);
        assertThat(next.capAdd()).containsExactly("CAP_NET_BIND_SERVICE", "CAP_CHOWN");
        assertThat(next.capDrop()).containsExactly("CAP_NET_ADMIN");
        assertThat(next.user()).isEqualTo("1000"); // not given: kept
    }

    @Test
    void userAndRuntimeChangeAloneAndNothingGivenChangesNothing() {
        assertThat(SandboxUpdates.apply(current, "0:0", List.of(), List.of(), "docker"))
                .isEqualTo(current.withUser("0:0").withRuntime("docker"));
        assertThat(SandboxUpdates.apply(current, null, List.of(), List.of(), null)).isEqualTo(current);
        assertThat(SandboxUpdates.changes(null, List.of(), List.of(), null)).isFalse();
        assertThat(SandboxUpdates.changes(null, List.of(), List.of("ALL"), null)).isTrue();
    }

    @Test
    void badValuesAreOneLine() {
        assertThatThrownBy(() -> SandboxUpdates.apply(current, "root user", List.of(), List.of(), null))
                .hasMessage("invalid --user \"root user\": give UID[:GID] or a user name");
        assertThatThrownBy(() -> SandboxUpdates.apply(current, null, List.of("FLY"), List.of(), null))
                .hasMessage("invalid --cap-add \"FLY\": unknown capability (ALL can only be dropped)");
        assertThatThrownBy(() -> SandboxUpdates.apply(current, null, List.of("CHOWN"), List.of("chown"), null))
                .hasMessage("invalid --cap-add/--cap-drop: CAP_CHOWN is both added and dropped");
        assertThatThrownBy(() -> SandboxUpdates.apply(current, null, List.of(), List.of(), "vm"))
                .hasMessage("invalid --runtime \"vm\": use process or docker");
    }
}
