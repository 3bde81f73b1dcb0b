package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.HealthCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health flags read as Docker reads them, and refused with one line when they make no sense. */
class HealthOptionsTest {

    private static HealthOptions cmd(String cmd) {
        return new HealthOptions(cmd, null, null, null, null, null);
    }

    @Test
    void aCommandAloneGetsDockersDefaults() {
        assertThat(cmd("curl -f localhost || exit 1").create()).isEqualTo(new HealthCheck(
                List.of("CMD-SHELL", "curl -f localhost || exit 1"), 30_000, 30_000, 0, 3));
        assertThat(HealthOptions.NONE.create()).isEqualTo(HealthCheck.NONE);
        assertThat(HealthOptions.NONE.given()).isFalse();
    }

    @Test
    void durationsAreWrittenAsDockerWritesThem() {
        HealthCheck c = new HealthOptions("true", "1m30s", "500ms", "1.5s", 2, null).create();
        assertThat(c).isEqualTo(new HealthCheck(List.of("CMD-SHELL", "true"), 90_000, 500, 1_500, 2));
        assertThat(DockerDuration.parseMillis("--x", "1h")).isEqualTo(3_600_000);
        assertThat(DockerDuration.parseMillis("--x", "2500us")).isEqualTo(2);
        assertThat(DockerDuration.format(90_000)).isEqualTo("1m30s");
        assertThat(DockerDuration.format(30_000)).isEqualTo("30s");
        assertThat(DockerDuration.format(100)).isEqualTo("100ms");
        assertThat(DockerDuration.format(1_500)).isEqualTo("1.5s");
        assertThat(DockerDuration.format(3_600_000)).isEqualTo("1h0m0s");
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> new HealthOptions("true", "30", null, null, null, null).create())
                .hasMessage("invalid --health-interval \"30\": expected a duration like 30s, 1m30s or 500ms");
        assertThatThrownBy(() -> new HealthOptions("true", "0s", null, null, null, null).create())
                .hasMessage("invalid --health-interval \"0s\": must be at least 1ms");
        assertThatThrownBy(() -> new HealthOptions("true", null, "100us", null, null, null).create())
                .hasMessage("invalid --health-timeout \"100us\": must be at least 1ms");
        assertThatThrownBy(() -> new HealthOptions("true", null, null, "-1s", null, null).create())
                .hasMessageStartingWith("invalid --health-start-period \"-1s\"");
        assertThatThrownBy(() -> new HealthOptions("true", null, null, null, 0, null).create())
                .hasMessage("invalid --health-retries 0: must be at least 1");
        assertThatThrownBy(() -> cmd(" ").create()).hasMessage("invalid --health-cmd: the command is empty");
        assertThatThrownBy(() -> new HealthOptions(null, "5s", null, null, null, null).create())
                .hasMessage("--health-interval needs a health check: give --health-cmd too");
        assertThat(new HealthOptions("true", null, null, "0s", null, null).create().startPeriodMillis()).isZero();
    }

    @Test
    void noHealthcheckDisablesAndConflictsWithTheOtherFlags() {
        HealthCheck off = new HealthOptions(null, null, null, null, null, true).create();
        assertThat(off.test()).containsExactly("NONE");
        assertThat(off.enabled()).isFalse();
        assertThatThrownBy(() -> new HealthOptions("true", null, null, null, null, true).create())
                .hasMessage("--no-healthcheck conflicts with --health-* options");
        assertThatThrownBy(() -> new HealthOptions(null, null, null, null, 2, true).create())
                .hasMessage("--no-healthcheck conflicts with --health-* options");
    }

    @Test
    void anUpdateChangesOnlyWhatIsGiven() {
        HealthCheck current = new HealthCheck(List.of("CMD-SHELL", "true"), 5_000, 1_000, 0, 3);
        assertThat(new HealthOptions(null, null, null, null, 5, null).applyTo(current))
                .isEqualTo(new HealthCheck(List.of("CMD-SHELL", "true"), 5_000, 1_000, 0, 5));
        assertThat(cmd("false").applyTo(current))
                .isEqualTo(new HealthCheck(List.of("CMD-SHELL", "false"), 5_000, 1_000, 0, 3));
        assertThat(new HealthOptions(null, null, null, null, null, true).applyTo(current).enabled()).isFalse();
        HealthCheck disabled = new HealthOptions(null, null, null, null, null, true).create();
        assertThat(cmd("true").applyTo(disabled)).isEqualTo(cmd("true").create());
        assertThat(HealthOptions.NONE.applyTo(current)).isSameAs(current);
    }
}
