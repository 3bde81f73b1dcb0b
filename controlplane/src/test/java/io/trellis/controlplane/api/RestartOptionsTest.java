package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --restart-* flags and --stop-grace-period read as Docker reads them; bad ones refused in one line naming the flag. */
class RestartOptionsTest {
    private static final ServiceSpec SPEC = new ServiceSpec("web", "img", List.of(), List.of(), 1);

    @Test
    void withoutFlagsTheDefaultsAreDockers() {
        assertThat(RestartOptions.NONE.given()).isFalse();
        assertThat(RestartOptions.NONE.applyTo(SPEC)).isEqualTo(SPEC);
        assertThat(SPEC.restartPolicy()).isEqualTo(new RestartPolicy(RestartPolicy.Condition.ANY, 5_000, 0, 0));
        assertThat(SPEC.container().stopGracePeriodMillis()).isZero();
    }

    @Test
    void givenFlagsChangeOnlyTheirField() {
        ServiceSpec s = new RestartOptions("On-Failure", "1m30s", 3, "2m", "45s").applyTo(SPEC);
        assertThat(s.restartPolicy())
                .isEqualTo(new RestartPolicy(RestartPolicy.Condition.ON_FAILURE, 90_000, 3, 120_000));
        assertThat(s.container().stopGracePeriodMillis()).isEqualTo(45_000);

        ServiceSpec t = new RestartOptions("none", null, 0, null, null).applyTo(s);
        assertThat(t.restartPolicy()).isEqualTo(new RestartPolicy(RestartPolicy.Condition.NONE, 90_000, 0, 120_000));
        assertThat(t.container().stopGracePeriodMillis()).isEqualTo(45_000);
        assertThat(new RestartOptions(null, "0s", null, "0", "0s").applyTo(t).restartPolicy().delayMillis()).isZero();
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> new RestartOptions("always", null, null, null, null).applyTo(SPEC))
                .hasMessage("invalid --restart-condition \"always\": use none, on-failure or any");
        assertThatThrownBy(() -> new RestartOptions(null, "5", null, null, null).applyTo(SPEC))
                .hasMessage("invalid --restart-delay \"5\": expected a duration like 30s, 1m30s or 500ms");
        assertThatThrownBy(() -> new RestartOptions(null, null, -1, null, null).applyTo(SPEC))
                .hasMessage("invalid --restart-max-attempts -1: must be 0 (no limit) or more");
        assertThatThrownBy(() -> new RestartOptions(null, null, null, "a while", null).applyTo(SPEC))
                .hasMessageStartingWith("invalid --restart-window \"a while\"");
        assertThatThrownBy(() -> new RestartOptions(null, null, null, null, "-1s").applyTo(SPEC))
                .hasMessageStartingWith("invalid --stop-grace-period \"-1s\"");
    }
}
