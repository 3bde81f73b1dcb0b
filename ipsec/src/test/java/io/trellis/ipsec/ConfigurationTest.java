package io.trellis.ipsec;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConfigurationTest {
    @Test
    void rotatesEveryTwelveHoursByDefault() {
        assertThat(System.getProperty(Configuration.ROTATION_INTERVAL_PROP)).isNull();
        assertThat(Configuration.rotationIntervalNs()).isEqualTo(TimeUnit.HOURS.toNanos(12));
    }

    @Test
    void readsTheRotationIntervalProperty() {
        System.setProperty(Configuration.ROTATION_INTERVAL_PROP, "90m");
        try {
            assertThat(Configuration.rotationIntervalNs()).isEqualTo(TimeUnit.MINUTES.toNanos(90));
        } finally {
            System.clearProperty(Configuration.ROTATION_INTERVAL_PROP);
        }
    }

    @Test
    void parsesDurationsWithUnits() {
        assertThat(Configuration.parseDurationNs("x", "12h")).isEqualTo(TimeUnit.HOURS.toNanos(12));
        assertThat(Configuration.parseDurationNs("x", " 1d ")).isEqualTo(TimeUnit.DAYS.toNanos(1));
        assertThat(Configuration.parseDurationNs("x", "500ms")).isEqualTo(500_000_000L);
        assertThat(Configuration.parseDurationNs("x", "7s")).isEqualTo(7_000_000_000L);
        assertThat(Configuration.parseDurationNs("x", "3us")).isEqualTo(3_000L);
        assertThat(Configuration.parseDurationNs("x", "9ns")).isEqualTo(9L);
    }

    @Test
    void refusesOtherDurationsInOneSentence() {
        for (String bad : new String[] {"", "12", "h", "0h", "1.5h", "12 hours", "-1h", "99999999999999999999h"}) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> Configuration.parseDurationNs(Configuration.ROTATION_INTERVAL_PROP, bad))
                    .withMessage(Configuration.ROTATION_INTERVAL_PROP + " is \"" + bad
                            + "\": it must be a positive whole number with a unit ns, us, ms, s, m, h or d, e.g. 12h");
        }
    }
}
