package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void pacedFlowsTakeTurnsOnOneEvenSchedule() {
        long start = 1_000;
        // 3 flows at 4 requests per second: one request due every 250 ms, flow i at slots i, i + 3, ...
        List<Schedule> flows = List.of(Schedule.paced(start, 4, 0, 3), Schedule.paced(start, 4, 1, 3),
                Schedule.paced(start, 4, 2, 3));
        List<Long> due = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (Schedule flow : flows) {
                due.add(flow.next(0) - start);
            }
        }
        assertThat(due).containsExactly(0L, 250_000_000L, 500_000_000L, 750_000_000L, 1_000_000_000L, 1_250_000_000L);
    }

    @Test
    void aPacedFlowThatFellBehindKeepsItsIntendedTimes() {
        Schedule flow = Schedule.paced(0, 10, 0, 1);
        flow.next(0);

        assertThat(flow.next(5_000_000_000L)).as("due long ago, not now").isEqualTo(100_000_000L);
    }

    @Test
    void noRoundingDriftsOverAnHourAtTheHighestRate() {
        Schedule flow = Schedule.paced(0, 3, 0, 1);
        long last = 0;
        for (int i = 0; i <= 3 * 3600; i++) {
            last = flow.next(0);
        }
        assertThat(last).isEqualTo(3_600_000_000_000L);

        Schedule fastest = Schedule.paced(0, LoadSettings.MAX_RATE, 9_999, 10_000);
        for (long slots = 0; slots < 3600L * LoadSettings.MAX_RATE / 10_000; slots++) {
            last = fastest.next(0);
        }
        assertThat(last).isBetween(3_599_000_000_000L, 3_600_000_000_000L);
    }

    @Test
    void unpacedIsDueNow() {
        Schedule flow = Schedule.unpaced();

        assertThat(flow.paced()).isFalse();
        assertThat(flow.next(42)).isEqualTo(42);
        assertThat(flow.next(43)).isEqualTo(43);
    }
}
