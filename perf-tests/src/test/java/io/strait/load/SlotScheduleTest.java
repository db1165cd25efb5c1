package io.strait.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The open loop's schedule, computed without a clock: what the slots intend to send, and when. */
class SlotScheduleTest {

    /** Counts the requests the {@code slots} slots intend before {@code endNanos} (t0 = 0). */
    private static List<Long> intended(final int slots, final double rate, final long endNanos) {
        final double nanosPerRequest = 1e9 / rate;
        final List<Long> all = new ArrayList<>();
        for (int c = 0; c < slots; c++) {
            for (long k = 0; ; k++) {
                final long t = SlotSchedule.intendedTime(0, c, k, slots, nanosPerRequest);
                if (t >= endNanos) {
                    break;
                }
                all.add(t);
            }
        }
        Collections.sort(all);
        return all;
    }

    @Test
    void theSlotsTogetherIntendRateTimesDurationEvenlySpaced() {
        for (final int slots : new int[] {1, 2, 3, 4, 7, 64}) {
            // 1000/s for 2 s, 333/s for 3 s, 7/s for 1 s: rate x duration, whatever the number of slots.
            assertThat(intended(slots, 1000, 2_000_000_000L)).hasSize(2000);
            assertThat(intended(slots, 333, 3_000_000_000L)).hasSize(999);
            assertThat(intended(slots, 7, 1_000_000_000L)).hasSize(7);
            // One request every 1/rate over all slots: no two at once, no gap (to the nanosecond's rounding).
            final List<Long> t = intended(slots, 1000, 2_000_000_000L);
            for (int i = 1; i < t.size(); i++) {
                assertThat(t.get(i) - t.get(i - 1)).isBetween(999_999L, 1_000_001L);
            }
            assertThat(t.get(0)).isZero();
        }
    }
}
