package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ContainerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {

    @Test
    void capabilityNamesAreCheckedAndStoredUpperCaseWithThePrefixOnce() {
        ContainerSpec spec = SandboxOptions.apply(ContainerSpec.DEFAULT, null,
                List.of("net_admin", "CAP_SYS_TIME", "Net_Admin"), List.of("all"));

        assertThat(spec.capAdd()).containsExactly("CAP_NET_ADMIN", "CAP_SYS_TIME");
        assertThat(spec.capDrop()).containsExactly("ALL");
        assertThat(spec.user()).isNull();
    }

    @Test
    void anUnknownCapabilityOrAllToAddIsOneLine() {
        assertThatThrownBy(() -> SandboxOptions.apply(ContainerSpec.DEFAULT, null, List.of("NET_FLY"), List.of()))
                .isInstanceOf(ApiException.class)
                .hasMessage("invalid --cap-add \"NET_FLY\": unknown capability (ALL can only be dropped)");
        assertThatThrownBy(() -> SandboxOptions.apply(ContainerSpec.DEFAULT, null, List.of("ALL"), List.of()))
                .hasMessageContaining("--cap-add \"ALL\"");
        assertThatThrownBy(() -> SandboxOptions.apply(ContainerSpec.DEFAULT, null, List.of(), List.of("cap_bogus")))
                .hasMessage("invalid --cap-drop \"cap_bogus\": unknown capability");
        assertThatThrownBy(() -> SandboxOptions.apply(ContainerSpec.DEFAULT, null, List.of("chown"),
                List.of("CAP_CHOWN"))).hasMessage("invalid --cap-add/--cap-drop: CAP_CHOWN is both added and dropped");
    }

    @Test
    void usersAreIdsOrNamesResolvedLaterOnTheNode() {
        assertThat(SandboxOptions.apply(ContainerSpec.DEFAULT, "1000:1000", null, null).user()).isEqualTo("1000:1000");
        assertThat(SandboxOptions.apply(ContainerSpec.DEFAULT, " www-data ", null, null).user()).isEqualTo("www-data");
        assertThat(SandboxOptions.user("0")).isEqualTo("0");

        assertThatThrownBy(() -> SandboxOptions.user("1000:")).isInstanceOf(ApiException.class)
                .hasMessage("invalid --user \"1000:\": give UID[:GID] or a user name");
        assertThatThrownBy(() -> SandboxOptions.user("web:staff")).hasMessageContaining("UID[:GID] or a user name");
        assertThatThrownBy(() -> SandboxOptions.user("4294967295")).hasMessageContaining("IDs go up to 4294967294");
    }
}
