package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.config.OverloadConfig;
import io.strait.core.config.OverloadConfig.Action;
import io.strait.core.config.OverloadConfig.ActionConfig;
import io.strait.core.config.OverloadConfig.Resource;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sampler's interval, driven with pressures and times the test chooses (no clock, no thread). */
class SampleCadenceTest {

    private static final long MS = 1_000_000L;
    private static final long BASE = 100 * MS;

    private static OverloadConfig config(final Duration refresh, final Map<Action, ActionConfig> actions,
                                         final Resource... resources) {
        final Map<Resource, Long> rs = new EnumMap<>(Resource.class);
        for (final Resource r : resources) {
            rs.put(r, OverloadConfig.AUTO);
        }
        return new OverloadConfig(true, refresh, rs, actions);
    }

    private static SampleCadence cadence(final OverloadConfig c) {
        final Map<Action, Set<Resource>> watched = new EnumMap<>(Action.class);
        for (final Action a : c.actions().keySet()) {
            watched.put(a, c.watchedBy(a));
        }
        return new SampleCadence(c, watched);
    }

    /** Pressures by resource ordinal: heap, direct memory, connections, descriptors. */
    private static double[] p(final double heap, final double direct) {
        final double[] p = new double[Resource.values().length];
        p[Resource.HEAP.ordinal()] = heap;
        p[Resource.DIRECT_MEMORY.ordinal()] = direct;
        return p;
    }

    @Test
    void quietSamplesDoubleTheIntervalUpToOneSecond() {
        final SampleCadence c = cadence(OverloadConfig.DEFAULTS);
        long t = 0;
        final long[] seen = new long[6];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = c.next(p(0.10, 0.02), false, t);
            t += seen[i];
        }
        assertThat(seen).containsExactly(200 * MS, 400 * MS, 800 * MS, SampleCadence.MAX_QUIET_NANOS,
            SampleCadence.MAX_QUIET_NANOS, SampleCadence.MAX_QUIET_NANOS);
    }

    @Test
    void aPressureAtHalfTheLowestThresholdBringsBackTheRefreshInterval() {
        final SampleCadence c = cadence(OverloadConfig.DEFAULTS);   // lowest threshold 0.90: quiet below 0.45
        long t = 0;
        for (int i = 0; i < 5; i++) {
            t += c.next(p(0.0, 0.0), false, t);
        }
        assertThat(c.next(p(0.0, 0.45), false, t)).isEqualTo(BASE);
        assertThat(c.next(p(0.0, 0.44), false, t + BASE)).as("doubling starts again from the base")
            .isEqualTo(2 * BASE);
    }

    @Test
    void anActionInForceKeepsTheRefreshInterval() {
        final SampleCadence c = cadence(OverloadConfig.DEFAULTS);
        assertThat(c.next(p(0.0, 0.0), true, 0)).isEqualTo(BASE);
        assertThat(c.next(p(0.0, 0.0), true, BASE)).isEqualTo(BASE);
        assertThat(c.next(p(0.0, 0.0), false, 2 * BASE)).isEqualTo(2 * BASE);
    }

    @Test
    void aRisingPressureIsSampledBeforeItCouldReachTheQuietLevel() {
        final SampleCadence c = cadence(OverloadConfig.DEFAULTS);
        long t = 0;
        for (int i = 0; i < 5; i++) {
            t += c.next(p(0.0, 0.05), false, t);
        }
        // 0.05 -> 0.25 in one second: at that rate 0.45 is one more second away, so one second (the cap) is fine
        assertThat(c.next(p(0.0, 0.25), false, t + 1000 * MS)).isEqualTo(1000 * MS);
        t += 1000 * MS;
        // 0.25 -> 0.40 in one second: 0.45 would be a third of a second away
        assertThat(c.next(p(0.0, 0.40), false, t + 1000 * MS)).isEqualTo(333 * MS + 333_333);
        t += 1000 * MS;
        // 0.40 -> 0.44 in a third of a second: 0.45 is under the refresh interval away, which is the floor
        assertThat(c.next(p(0.0, 0.44), false, t + 333 * MS)).isEqualTo(BASE);
    }

    @Test
    void theQuietLevelIsHalfTheLowestThresholdAmongTheActionsWatchingTheResource() {
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.put(Action.STOP_ACCEPTING_CONNECTIONS, new ActionConfig(0.5, 0.48, 0.5, Set.of(Resource.CONNECTIONS),
            0, 1));
        a.put(Action.DISABLE_KEEPALIVE, new ActionConfig(0.9, 0.88, 0.9, Set.of(Resource.HEAP), 0, 1));
        final SampleCadence c = cadence(config(Duration.ofMillis(100), a, Resource.HEAP, Resource.CONNECTIONS));
        final double[] p = new double[Resource.values().length];
        p[Resource.HEAP.ordinal()] = 0.40;   // under 0.45
        p[Resource.CONNECTIONS.ordinal()] = 0.24;   // under 0.25
        assertThat(c.next(p, false, 0)).isEqualTo(2 * BASE);
        p[Resource.CONNECTIONS.ordinal()] = 0.25;
        assertThat(c.next(p, false, 2 * BASE)).isEqualTo(BASE);
    }

    @Test
    void aResourceNoActionWatchesNeverHoldsTheIntervalDown() {
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.put(Action.DISABLE_KEEPALIVE, new ActionConfig(0.9, 0.88, 0.9, Set.of(Resource.HEAP), 0, 1));
        final SampleCadence c = cadence(config(Duration.ofMillis(100), a, Resource.HEAP, Resource.DIRECT_MEMORY));
        assertThat(c.next(p(0.0, 0.0), false, 0)).isEqualTo(2 * BASE);
        assertThat(c.next(p(0.0, 0.99), false, 2 * BASE)).isEqualTo(4 * BASE);
    }

    @Test
    void aRefreshIntervalLongerThanTheCapIsKept() {
        final SampleCadence c = cadence(config(Duration.ofSeconds(5), OverloadConfig.DEFAULTS.actions(),
            Resource.HEAP));
        assertThat(c.next(p(0.0, 0.0), false, 0)).isEqualTo(5_000 * MS);
        assertThat(c.next(p(0.0, 0.0), false, 5_000 * MS)).isEqualTo(5_000 * MS);
    }

    @Test
    void aFastRefreshIntervalStretchesToTheSameCap() {
        final SampleCadence c = cadence(config(Duration.ofMillis(10), OverloadConfig.DEFAULTS.actions(),
            Resource.HEAP));
        long t = 0;
        long last = 0;
        for (int i = 0; i < 12; i++) {
            last = c.next(p(0.0, 0.0), false, t);
            t += last;
        }
        assertThat(last).isEqualTo(SampleCadence.MAX_QUIET_NANOS);
    }
}
