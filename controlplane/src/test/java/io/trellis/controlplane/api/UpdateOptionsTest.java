package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.UpdateConfig;
import org.junit.jupiter.api.Test;

/** The --update-* and --rollback-* flags read as Docker reads them, and refused with one line naming the flag. */
class UpdateOptionsTest {

    @Test
    void givenFlagsChangeOnlyTheirField() {
        UpdateConfig c = new UpdateOptions(2, "10s", "rollback", "1m30s", "0.25", "start-first")
                .applyTo(UpdateConfig.DEFAULT, false);
        assertThat(c).isEqualTo(new UpdateConfig(2, 10_000, UpdateConfig.FailureAction.ROLLBACK, 90_000, 0.25,
                UpdateConfig.Order.START_FIRST));
        UpdateConfig d = new UpdateOptions(0, null, null, null, null, null).applyTo(c, false);
        assertThat(d).isEqualTo(new UpdateConfig(0, 10_000, UpdateConfig.FailureAction.ROLLBACK, 90_000, 0.25,
                UpdateConfig.Order.START_FIRST));
        assertThat(d.batchSize(7)).isEqualTo(7); // 0: all at once
        assertThat(c.batchSize(7)).isEqualTo(2);
        assertThat(c.batchSize(1)).isEqualTo(1);
        assertThat(UpdateOptions.NONE.applyTo(UpdateConfig.DEFAULT, true)).isEqualTo(UpdateConfig.DEFAULT);
        assertThat(UpdateOptions.NONE.given()).isFalse();
        assertThat(UpdateConfig.DEFAULT).isEqualTo(new UpdateConfig(1, 0, UpdateConfig.FailureAction.PAUSE, 5_000, 0,
                UpdateConfig.Order.STOP_FIRST));
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> update(-1, null, null, null, null, null))
                .hasMessage("invalid --update-parallelism -1: must be 0 (all at once) or more");
        assertThatThrownBy(() -> update(null, "10", null, null, null, null))
                .hasMessage("invalid --update-delay \"10\": expected a duration like 30s, 1m30s or 500ms");
        assertThatThrownBy(() -> update(null, null, "stop", null, null, null))
                .hasMessage("invalid --update-failure-action \"stop\": use pause, continue or rollback");
        assertThatThrownBy(() -> update(null, null, null, "soon", null, null))
                .hasMessageStartingWith("invalid --update-monitor \"soon\"");
        assertThatThrownBy(() -> update(null, null, null, null, "1.5", null))
                .hasMessage("invalid --update-max-failure-ratio \"1.5\": expected a number from 0 to 1");
        assertThatThrownBy(() -> update(null, null, null, null, "half", null))
                .hasMessage("invalid --update-max-failure-ratio \"half\": expected a number from 0 to 1");
        assertThatThrownBy(() -> update(null, null, null, null, null, "random"))
                .hasMessage("invalid --update-order \"random\": use stop-first or start-first");
        assertThatThrownBy(() -> new UpdateOptions(null, null, "rollback", null, null, null)
                .applyTo(UpdateConfig.DEFAULT, true))
                .hasMessage("invalid --rollback-failure-action \"rollback\": use pause or continue");
        assertThatThrownBy(() -> new UpdateOptions(-2, null, null, null, null, null).applyTo(UpdateConfig.DEFAULT, true))
                .hasMessage("invalid --rollback-parallelism -2: must be 0 (all at once) or more");
    }

    private static UpdateConfig update(Integer parallelism, String delay, String action, String monitor, String ratio,
                                       String order) {
        return new UpdateOptions(parallelism, delay, action, monitor, ratio, order).applyTo(UpdateConfig.DEFAULT, false);
    }
}
