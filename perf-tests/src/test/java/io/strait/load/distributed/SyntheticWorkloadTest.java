package io.strait.load.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticWorkloadTest {

    @Test
    void parsesItsArgumentsLaterOnesWinning() {
        final SyntheticWorkload.Settings settings = SyntheticWorkload.Settings.parse(List.of(
                "--synthetic-rate", "100", "--duration", "3s", "--synthetic-rate", "250", "--synthetic-errors", "5",
                "--interval", "500ms"));

        assertThat(settings.ratePerSecond()).isEqualTo(250);
        assertThat(settings.intervals()).isEqualTo(6);
        assertThat(settings.perInterval()).isEqualTo(125);
        assertThat(settings.errorsPerInterval()).isEqualTo(3);
        assertThat(settings.expectedCount()).isEqualTo(750);
    }

    @Test
    void rejectsUnknownOptionsAndMissingValues() {
        assertThatThrownBy(() -> SyntheticWorkload.Settings.parse(List.of("--target", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --target");
        assertThatThrownBy(() -> SyntheticWorkload.Settings.parse(List.of("--duration")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SyntheticWorkload.Settings.parse(List.of("--synthetic-rate", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
    }

    @Test
    void recordsTheExactCountPerIntervalAtTheIntervalEnds() throws Exception {
        final long startAt = System.currentTimeMillis() + 20;
        final List<long[]> intervals = new ArrayList<>();
        SyntheticWorkload.FACTORY.create().run(List.of("--synthetic-rate", "400", "--synthetic-errors", "40",
                "--duration", "150ms", "--interval", "50ms"), startAt, (start, end, histogram, requests, errors) -> {
                    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(end);
                    intervals.add(new long[] {start, end, histogram.getTotalCount(), requests, errors});
                });

        assertThat(intervals).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(intervals.get(i)).containsExactly(startAt + i * 50L, startAt + (i + 1) * 50L, 20, 20, 2);
        }
    }

    @Test
    void isRegisteredAndUnknownNamesAreReported() {
        assertThat(Workloads.lookup("synthetic")).isSameAs(SyntheticWorkload.FACTORY);
        assertThat(Workloads.names()).contains("synthetic");
        assertThatThrownBy(() -> Workloads.lookup("nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("synthetic");
    }

    @Test
    void parsesDurations() {
        assertThat(Durations.parseMillis("1500ms")).isEqualTo(1500);
        assertThat(Durations.parseMillis("3s")).isEqualTo(3000);
        assertThat(Durations.parseMillis("2")).isEqualTo(2000);
        assertThat(Durations.parseMillis("0.5s")).isEqualTo(500);
        assertThat(Durations.parseMillis("2m")).isEqualTo(120_000);
        assertThat(Durations.parseMillis("1h")).isEqualTo(3_600_000);
        assertThatThrownBy(() -> Durations.parseMillis("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parseMillis("-1s")).isInstanceOf(IllegalArgumentException.class);
    }
}
