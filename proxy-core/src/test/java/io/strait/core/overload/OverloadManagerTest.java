package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.config.OverloadConfig;
import io.strait.core.config.OverloadConfig.Action;
import io.strait.core.config.OverloadConfig.ActionConfig;
import io.strait.core.config.OverloadConfig.Resource;
import io.strait.core.stats.OverloadStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sampler's decisions, driven by hand ({@link OverloadManager#sample}) over monitors the test sets. */
class OverloadManagerTest {

    /** A monitor whose use the test sets; budget 1000. */
    private static final class Fake implements ResourceMonitor {
        volatile long used;
        volatile boolean broken;
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public long used() {
            reads.incrementAndGet();
            if (broken) {
                throw new IllegalStateException("cannot read");
            }
            return used;
        }

        @Override
        public long max() {
            return 1000;
        }
    }

    private final StatsRegistry registry = new StatsRegistry(1);
    private final StatsScope<OverloadStat> stats = registry.scope("overload.", OverloadStat.class);
    private final OverloadState state = new OverloadState(stats, 1);
    private final Map<Resource, Fake> monitors = new EnumMap<>(Resource.class);
    private final List<Channel> connections = new ArrayList<>();
    /** The cadence's clock, moved by hand. */
    private long now;
    private OverloadManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
        for (final Channel ch : connections) {
            ((EmbeddedChannel) ch).finishAndReleaseAll();
        }
    }

    private OverloadManager manager(final OverloadConfig config) {
        manager = new OverloadManager(config, state, stats, (r, max) -> monitors.computeIfAbsent(r, k -> new Fake()),
            connections, () -> now);
        return manager;
    }

    private static OverloadConfig config(final Map<Action, ActionConfig> actions, final Resource... resources) {
        final Map<Resource, Long> rs = new EnumMap<>(Resource.class);
        for (final Resource r : resources) {
            rs.put(r, OverloadConfig.AUTO);
        }
        return new OverloadConfig(true, Duration.ofMillis(100), rs, actions);
    }

    private static Map<Action, ActionConfig> ladder() {
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.put(Action.DISABLE_KEEPALIVE, ActionConfig.at(0.80));
        a.put(Action.SHED_REQUESTS, ActionConfig.at(0.90));
        a.put(Action.STOP_ACCEPTING_CONNECTIONS, ActionConfig.at(0.95));
        return a;
    }

    @Test
    void actionsFollowTheHighestPressureOfTheResourcesTheyWatch() {
        manager(config(ladder(), Resource.HEAP, Resource.DIRECT_MEMORY));
        manager.sample();
        assertThat(state.word()).isZero();

        monitors.get(Resource.HEAP).used = 500;
        monitors.get(Resource.DIRECT_MEMORY).used = 850;
        manager.sample();
        assertThat(state.active(OverloadState.DISABLE_KEEPALIVE)).isTrue();
        assertThat(state.active(OverloadState.SHED_REQUESTS)).isFalse();
        assertThat(stats.value(OverloadStat.DIRECT_MEMORY_PRESSURE)).isEqualTo(85);
        assertThat(stats.value(OverloadStat.HEAP_PRESSURE)).isEqualTo(50);
        assertThat(stats.value(OverloadStat.DISABLE_KEEPALIVE_ACTIVE)).isEqualTo(1);
        assertThat(stats.value(OverloadStat.SHED_REQUESTS_ACTIVE)).isZero();

        monitors.get(Resource.HEAP).used = 960;
        manager.sample();
        assertThat(state.active(OverloadState.SHED_REQUESTS)).isTrue();
        assertThat(state.active(OverloadState.STOP_ACCEPTING_CONNECTIONS)).isTrue();
        assertThat(stats.value(OverloadStat.SHED_REQUESTS_ACTIVE)).isEqualTo(100);
        assertThat(manager.actions()).containsEntry(Action.SHED_REQUESTS, 1.0);
        assertThat(manager.pressures()).containsEntry(Resource.HEAP, 0.96);

        // down again: each action stops below its own release level (threshold - 0.02)
        monitors.get(Resource.HEAP).used = 0;
        monitors.get(Resource.DIRECT_MEMORY).used = 890;
        manager.sample();
        assertThat(state.active(OverloadState.STOP_ACCEPTING_CONNECTIONS)).isFalse();
        assertThat(state.active(OverloadState.SHED_REQUESTS)).as("0.89 is above 0.88").isTrue();
        monitors.get(Resource.DIRECT_MEMORY).used = 100;
        manager.sample();
        assertThat(state.word()).isZero();
        assertThat(stats.value(OverloadStat.DISABLE_KEEPALIVE_ACTIVE)).isZero();
    }

    @Test
    void anActionWatchingOneResourceIgnoresTheOthers() {
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.put(Action.STOP_ACCEPTING_CONNECTIONS, new ActionConfig(0.9, 0.88, 0.9, Set.of(Resource.CONNECTIONS),
            0, 1));
        manager(config(a, Resource.HEAP, Resource.CONNECTIONS));
        manager.sample();
        monitors.get(Resource.HEAP).used = 1000;
        manager.sample();
        assertThat(state.word()).isZero();
        monitors.get(Resource.CONNECTIONS).used = 950;
        manager.sample();
        assertThat(state.active(OverloadState.STOP_ACCEPTING_CONNECTIONS)).isTrue();
    }

    @Test
    void aScaledShedPublishesItsShare() {
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.put(Action.SHED_REQUESTS, new ActionConfig(0.8, 0.8, 1.0, Set.of(), 0, 1));
        manager(config(a, Resource.DIRECT_MEMORY));
        manager.sample();
        monitors.get(Resource.DIRECT_MEMORY).used = 900;
        manager.sample();
        assertThat(state.word() >>> OverloadState.SCALE_SHIFT).isEqualTo(OverloadState.FULL_SCALE / 2);
        assertThat(stats.value(OverloadStat.SHED_REQUESTS_ACTIVE)).isEqualTo(50);
        assertThat(manager.actions().get(Action.SHED_REQUESTS)).isEqualTo(0.5);
    }

    @Test
    void aFailingMonitorCountsAsNoPressure() {
        manager(config(ladder(), Resource.HEAP));
        manager.sample();
        monitors.get(Resource.HEAP).used = 990;
        manager.sample();
        assertThat(state.word()).isNotZero();
        monitors.get(Resource.HEAP).broken = true;
        manager.sample();
        manager.sample();
        assertThat(state.word()).isZero();
    }

    @Test
    void disablingByReloadClearsEveryAction() {
        manager(config(ladder(), Resource.HEAP));
        manager.sample();
        monitors.get(Resource.HEAP).used = 990;
        manager.sample();
        assertThat(state.word()).isNotZero();
        manager.update(OverloadConfig.DISABLED);
        assertThat(state.word()).isZero();
        manager.sample();
        assertThat(state.word()).isZero();
        assertThat(manager.config().enabled()).isFalse();
    }

    /** Samples, then moves the clock to when the sampler would take the next sample; returns that delay in ms. */
    private long sampleAndWait() {
        manager.sample();
        final long delay = manager.nextDelayNanos();
        now += delay;
        return TimeUnit.NANOSECONDS.toMillis(delay);
    }

    @Test
    void anIdleManagerSamplesLessOftenAndComesBackToTheRefreshIntervalNearAThreshold() {
        manager(config(ladder(), Resource.HEAP, Resource.DIRECT_MEMORY));   // lowest threshold 0.80: quiet < 0.40
        final List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            delays.add(sampleAndWait());
        }
        assertThat(delays).containsExactly(200L, 400L, 800L, 1000L, 1000L, 1000L);

        monitors.get(Resource.DIRECT_MEMORY).used = 400;
        assertThat(sampleAndWait()).as("at half the lowest threshold").isEqualTo(100);
        monitors.get(Resource.DIRECT_MEMORY).used = 850;
        assertThat(sampleAndWait()).as("an action in force").isEqualTo(100);
        assertThat(state.active(OverloadState.DISABLE_KEEPALIVE)).isTrue();
        monitors.get(Resource.DIRECT_MEMORY).used = 100;
        assertThat(sampleAndWait()).as("released, quiet again").isEqualTo(200);
        assertThat(state.word()).isZero();
    }

    @Test
    void theSamplerThreadKeepsSamplingAsEachSampleSchedulesTheNext() {
        manager(new OverloadConfig(true, Duration.ofMillis(10), Map.of(Resource.HEAP, OverloadConfig.AUTO),
            ladder()));
        manager.start();
        // 10, 20, 40, 80 ms apart: a chain that stopped after its first sample would never get here
        Awaitility.await().atMost(30, TimeUnit.SECONDS)
            .until(() -> monitors.get(Resource.HEAP) != null && monitors.get(Resource.HEAP).reads.get() >= 5);
        monitors.get(Resource.HEAP).used = 990;
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> state.active(OverloadState.SHED_REQUESTS));
    }

    private static void runLoops(final EmbeddedChannel... channels) {
        for (final EmbeddedChannel ch : channels) {
            ch.runPendingTasks();
        }
    }

    @Test
    void resetClosesTheMostBufferedConnectionsFirstAboveTheFloor() {
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.put(Action.RESET_STREAMS, new ActionConfig(0.9, 0.88, 0.9, Set.of(), 1000, 2));
        manager(config(a, Resource.DIRECT_MEMORY));
        final EmbeddedChannel small = pending(500);
        final EmbeddedChannel large = pending(50_000);
        final EmbeddedChannel medium = pending(5_000);
        final EmbeddedChannel largest = pending(80_000);
        manager.sample();
        monitors.get(Resource.DIRECT_MEMORY).used = 950;
        manager.sample();
        runLoops(small, large, medium, largest);   // a reset runs on the connection's own loop
        assertThat(largest.isOpen()).isFalse();
        assertThat(large.isOpen()).isFalse();
        assertThat(medium.isOpen()).as("two per interval").isTrue();
        assertThat(stats.value(OverloadStat.RESET_STREAMS_TOTAL)).isEqualTo(2);
        manager.sample();
        runLoops(small, large, medium, largest);
        assertThat(medium.isOpen()).isFalse();
        assertThat(small.isOpen()).as("under min_buffered: never reset").isTrue();
        assertThat(stats.value(OverloadStat.RESET_STREAMS_TOTAL)).isEqualTo(3);
        monitors.get(Resource.DIRECT_MEMORY).used = 100;
        manager.sample();
        assertThat(stats.value(OverloadStat.RESET_STREAMS_ACTIVE)).isZero();
    }

    /** A connection with {@code bytes} written and not flushed: queued in its outbound buffer. */
    private EmbeddedChannel pending(final int bytes) {
        final EmbeddedChannel ch = new EmbeddedChannel();
        ch.write(Unpooled.buffer(bytes).writeZero(bytes));
        assertThat(BufferedConnections.pending(ch)).isGreaterThanOrEqualTo(bytes);
        connections.add(ch);
        return ch;
    }
}
