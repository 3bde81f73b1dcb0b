package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void formatTakesTheLargestWholeUnit() {
        assertThat(DurationText.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofSeconds(7))).isEqualTo("7s");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0ms");
    }

    @Test
    void whatFormatPrintsParsesBack() {
        for (Duration d : new Duration[] {Duration.ofMillis(400), Duration.ofSeconds(3), Duration.ofMinutes(10),
                Duration.ofMillis(2500)}) {
            assertThat(DurationText.parse("--x", DurationText.format(d))).isEqualTo(d);
        }
    }
}
