package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.stats.OverloadStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OverloadStateTest {

    private final StatsRegistry registry = new StatsRegistry(2);
    private final StatsScope<OverloadStat> stats = registry.scope("overload.", OverloadStat.class);
    private final OverloadState state = new OverloadState(stats, 2);
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void nothingFiresUntilPublishedAndOffNeverFires() {
        assertThat(state.refuseConnection(0)).isFalse();
        assertThat(state.disableKeepalive(1)).isFalse();
        assertThat(state.shedRequest(random, 0)).isFalse();
        OverloadState.OFF.publish(0);
        assertThat(OverloadState.OFF.shedRequest(random, 0)).isFalse();
        assertThat(stats.value(OverloadStat.SHED_REQUESTS_TOTAL)).isZero();
    }

    @Test
    void eachCheckFiresOnItsOwnBitAndCountsInItsLoopsSlot() {
        state.publish(OverloadState.word(OverloadState.STOP_ACCEPTING_CONNECTIONS | OverloadState.DISABLE_KEEPALIVE,
            0));
        assertThat(state.refuseConnection(0)).isTrue();
        assertThat(state.refuseConnection(1)).isTrue();
        assertThat(state.disableKeepalive(1)).isTrue();
        assertThat(state.shedRequest(random, 0)).isFalse();
        assertThat(stats.value(OverloadStat.STOP_ACCEPTING_CONNECTIONS_TOTAL)).isEqualTo(2);
        assertThat(stats.value(OverloadStat.DISABLE_KEEPALIVE_TOTAL)).isEqualTo(1);
        state.publish(0);
        assertThat(state.refuseConnection(0)).isFalse();
    }

    @Test
    void aFullShareShedsEveryRequestAndAPartialShareItsProportion() {
        state.publish(OverloadState.word(OverloadState.SHED_REQUESTS, OverloadState.FULL_SCALE));
        for (int i = 0; i < 100; i++) {
            assertThat(state.shedRequest(random, i & 1)).isTrue();
        }
        assertThat(stats.value(OverloadStat.SHED_REQUESTS_TOTAL)).isEqualTo(100);

        state.publish(OverloadState.word(OverloadState.SHED_REQUESTS, OverloadState.FULL_SCALE / 4));
        int shed = 0;
        final int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            shed += state.shedRequest(random, 0) ? 1 : 0;
        }
        // a quarter, within 5 standard deviations (sd = sqrt(n p (1-p)) ~ 61)
        assertThat(shed).isBetween(draws / 4 - 310, draws / 4 + 310);
    }
}
