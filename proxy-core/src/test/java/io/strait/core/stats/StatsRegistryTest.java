package io.strait.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsRegistryTest {

    private static final int LOOPS = 4;

    /** Runs {@code work(loopIndex)} on one real thread per loop, all released together, and waits for them. */
    private static void onEveryLoop(final LoopWork work) throws InterruptedException {
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int l = 0; l < LOOPS; l++) {
            final int loop = l;
            final Thread t = new Thread(() -> {
                try {
                    start.await();
                    work.run(loop);
                } catch (final Throwable e) {
                    failure.set(e);
                }
            }, "loop-" + l);
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (final Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
    }

    /** The work of one loop. */
    private interface LoopWork {
        void run(int loop) throws Exception;
    }

    @Test
    void countersSumOverLoopsWrittenFromTheirOwnThreads() throws InterruptedException {
        final StatsRegistry registry = new StatsRegistry(LOOPS);
        final StatsScope<HttpStat> http = registry.scope("http.ingress.", HttpStat.class);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicReference<String> readerSaw = new AtomicReference<>("nothing wrong");
        // A reader sums while the loops write: each slot only grows, so the sums it sees never go down.
        final Thread reader = new Thread(() -> {
            long last = 0;
            while (writing.get()) {
                final long now = http.value(HttpStat.DOWNSTREAM_RQ_TOTAL);
                if (now < last) {
                    readerSaw.set("went down from " + last + " to " + now);
                }
                last = now;
            }
        });
        reader.start();
        onEveryLoop(loop -> {
            final LoopStats<HttpStat> mine = http.loop(loop);
            for (int i = 0; i < 100_000; i++) {
                mine.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
                mine.add(HttpStat.DOWNSTREAM_CX_RX_BYTES_TOTAL, loop + 1);
            }
        });
        writing.set(false);
        reader.join();
        assertThat(readerSaw.get()).isEqualTo("nothing wrong");
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(400_000);
        // (1 + 2 + 3 + 4) * 100,000
        assertThat(http.value(HttpStat.DOWNSTREAM_CX_RX_BYTES_TOTAL)).isEqualTo(1_000_000);
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_5XX)).isZero();
    }

    @Test
    void carriedTotalsAddToCountersOnlyAndLeaveTheWritersAlone() {
        final StatsRegistry registry = new StatsRegistry(LOOPS);
        final StatsScope<HttpStat> http = registry.scope("http.ingress.", HttpStat.class);
        http.loop(0).inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        final int carried = registry.carry(java.util.Map.of("http.ingress.downstream_rq_total", 40L,
            "http.ingress.downstream_rq_active", 7L, "http.gone.downstream_rq_total", 5L));
        assertThat(carried).as("the counter only: not the gauge, not a scope that is not here").isEqualTo(1);
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(41);
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
        http.loop(1).inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        registry.carry(java.util.Map.of("http.ingress.downstream_rq_total", 2L));
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).as("a second carry adds").isEqualTo(44);
        final List<String> seen = new ArrayList<>();
        registry.forEach(new StatVisitor() {
            @Override
            public void counter(final String name, final long value) {
                if (name.equals("http.ingress.downstream_rq_total")) {
                    seen.add(name + "=" + value);
                }
            }

            @Override
            public void gauge(final String name, final long value) {
            }

            @Override
            public void histogram(final String name, final Histogram histogram) {
            }
        });
        assertThat(seen).containsExactly("http.ingress.downstream_rq_total=44");
        registry.remove("http.ingress.");
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).as("frozen with the carried part").isEqualTo(44);
    }

    @Test
    void gaugesGoUpAndDownAcrossLoops() throws InterruptedException {
        final StatsRegistry registry = new StatsRegistry(LOOPS);
        final StatsScope<ClusterStat> cluster = registry.scope("cluster.api.", ClusterStat.class);
        // Each loop opens 1000 connections and closes 990: its share is +10, and the gauge the sum, 40.
        onEveryLoop(loop -> {
            final LoopStats<ClusterStat> mine = cluster.loop(loop);
            for (int i = 0; i < 1000; i++) {
                mine.inc(ClusterStat.UPSTREAM_CX_ACTIVE);
            }
            for (int i = 0; i < 990; i++) {
                mine.dec(ClusterStat.UPSTREAM_CX_ACTIVE);
            }
        });
        assertThat(cluster.value(ClusterStat.UPSTREAM_CX_ACTIVE)).isEqualTo(40);
        cluster.loop(0).inc(ClusterStat.UPSTREAM_RQ_ACTIVE);
        cluster.loop(3).dec(ClusterStat.UPSTREAM_RQ_ACTIVE);
        assertThat(cluster.value(ClusterStat.UPSTREAM_RQ_ACTIVE)).isZero();
        cluster.loop(1).dec(ClusterStat.UPSTREAM_RQ_ACTIVE);
        assertThat(cluster.value(ClusterStat.UPSTREAM_RQ_ACTIVE)).isEqualTo(-1);
    }

    @Test
    void controlWriterSetsGauges() {
        final StatsScope<ClusterStat> cluster = new StatsRegistry(2).scope("cluster.api.", ClusterStat.class);
        cluster.control().set(ClusterStat.MEMBERSHIP_TOTAL, 5);
        cluster.control().set(ClusterStat.MEMBERSHIP_HEALTHY, 5);
        cluster.control().set(ClusterStat.MEMBERSHIP_HEALTHY, 3);
        assertThat(cluster.value(ClusterStat.MEMBERSHIP_TOTAL)).isEqualTo(5);
        assertThat(cluster.value(ClusterStat.MEMBERSHIP_HEALTHY)).isEqualTo(3);
        cluster.control().inc(ClusterStat.LB_HEALTHY_PANIC);
        cluster.loop(1).inc(ClusterStat.LB_HEALTHY_PANIC);
        assertThat(cluster.value(ClusterStat.LB_HEALTHY_PANIC)).isEqualTo(2);
        cluster.control().record(ClusterStat.UPSTREAM_RQ_TIME, 100); // ignored: the control writer has none
        assertThat(cluster.histogram(ClusterStat.UPSTREAM_RQ_TIME).getTotalCount()).isZero();
    }

    @Test
    void histogramsMergeOverLoops() throws InterruptedException {
        final StatsScope<ClusterStat> cluster = new StatsRegistry(LOOPS).scope("cluster.api.", ClusterStat.class);
        // Loop l records 1000 values of (l + 1) ms: the merge holds 4000 values, a quarter at each of 1..4 ms.
        onEveryLoop(loop -> {
            final LoopStats<ClusterStat> mine = cluster.loop(loop);
            for (int i = 0; i < 1000; i++) {
                mine.record(ClusterStat.UPSTREAM_RQ_TIME, (loop + 1) * 1000L);
            }
        });
        final Histogram merged = cluster.histogram(ClusterStat.UPSTREAM_RQ_TIME);
        assertThat(merged.getTotalCount()).isEqualTo(4000);
        // Two significant digits: values are exact to within 1%.
        assertThat((double) merged.getMinValue()).isCloseTo(1000, within(10.0));
        assertThat((double) merged.getMaxValue()).isCloseTo(4000, within(40.0));
        assertThat(merged.getCountAtValue(3000)).isEqualTo(1000);
        assertThat(cluster.histogram(ClusterStat.UPSTREAM_CX_CONNECT_MS).getTotalCount()).isZero();

        // Reads are cumulative: a second read keeps what the first drained, plus what came since.
        cluster.loop(2).record(ClusterStat.UPSTREAM_RQ_TIME, 50_000);
        final Histogram later = cluster.histogram(ClusterStat.UPSTREAM_RQ_TIME);
        assertThat(later.getTotalCount()).isEqualTo(4001);
        assertThat((double) later.getMaxValue()).isCloseTo(50_000, within(500.0));
        // The first snapshot is a copy: untouched by later reads.
        assertThat(merged.getTotalCount()).isEqualTo(4000);
        assertThat(cluster.histogram(ClusterStat.UPSTREAM_RQ_TIME).getTotalCount()).isEqualTo(4001);
    }

    @Test
    void histogramValuesOutOfRangeAreClamped() {
        final StatsScope<HttpStat> http = new StatsRegistry(1).scope("http.a.", HttpStat.class);
        http.loop(0).record(HttpStat.DOWNSTREAM_RQ_TIME, -5);
        http.loop(0).record(HttpStat.DOWNSTREAM_RQ_TIME, Long.MAX_VALUE);
        final Histogram h = http.histogram(HttpStat.DOWNSTREAM_RQ_TIME);
        assertThat(h.getTotalCount()).isEqualTo(2);
        assertThat(h.getMinValue()).isZero();
        assertThat(h.valuesAreEquivalent(h.getMaxValue(), StatsRegistry.HISTOGRAM_MAX_MICROS)).isTrue();
    }

    @Test
    void wrongKindsAreIgnoredOnWriteAndRefusedOnRead() {
        final StatsScope<HttpStat> http = new StatsRegistry(1).scope("http.a.", HttpStat.class);
        http.loop(0).record(HttpStat.DOWNSTREAM_RQ_TOTAL, 5);
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> http.value(HttpStat.DOWNSTREAM_RQ_TIME));
        assertThatIllegalArgumentException().isThrownBy(() -> http.histogram(HttpStat.DOWNSTREAM_RQ_TOTAL));
        assertThatIllegalArgumentException().isThrownBy(() -> http.loop(1));
        assertThatIllegalArgumentException().isThrownBy(() -> http.loop(-1));
    }

    @Test
    void forEachVisitsEveryStatInNameOrderWithFullNames() {
        final StatsRegistry registry = new StatsRegistry(2);
        final StatsScope<HttpStat> http = registry.scope("http.ingress.", HttpStat.class);
        final StatsScope<ClusterStat> api = registry.scope("cluster.api.", ClusterStat.class);
        http.loop(0).inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        http.loop(1).add(HttpStat.DOWNSTREAM_RQ_TOTAL, 2);
        http.loop(1).inc(HttpStat.DOWNSTREAM_CX_ACTIVE);
        api.loop(0).record(ClusterStat.UPSTREAM_RQ_TIME, 1234);

        final List<String> names = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        registry.forEach(new StatVisitor() {
            @Override
            public void counter(final String name, final long v) {
                names.add(name);
                lines.add("c " + name + " " + v);
            }

            @Override
            public void gauge(final String name, final long v) {
                names.add(name);
                lines.add("g " + name + " " + v);
            }

            @Override
            public void histogram(final String name, final Histogram h) {
                names.add(name);
                lines.add("h " + name + " " + h.getTotalCount());
            }
        });
        assertThat(names).isSorted().doesNotHaveDuplicates()
            .hasSize(HttpStat.values().length + ClusterStat.values().length);
        assertThat(names.get(0)).startsWith("cluster.api.");
        assertThat(lines).contains(
            "c http.ingress.downstream_rq_total 3",
            "g http.ingress.downstream_cx_active 1",
            "h cluster.api.upstream_rq_time 1",
            "h http.ingress.downstream_rq_time 0",
            "c http.ingress.no_route 0",
            "g cluster.api.membership_healthy 0");
    }

    @Test
    void scopesAreMadeOncePerPrefixAndCanBeRemoved() {
        final StatsRegistry registry = new StatsRegistry(1);
        final StatsScope<HttpStat> a = registry.scope("http.a.", HttpStat.class);
        a.loop(0).inc(HttpStat.NO_ROUTE);
        assertThat(registry.scope("http.a.", HttpStat.class)).isSameAs(a);
        assertThatIllegalArgumentException().isThrownBy(() -> registry.scope("http.a.", ClusterStat.class));
        assertThatIllegalArgumentException().isThrownBy(() -> registry.scope("http.b", HttpStat.class));
        assertThat(registry.remove("http.a.")).isTrue();
        assertThat(registry.remove("http.a.")).isFalse();
        final List<String> names = new ArrayList<>();
        registry.forEach(new StatVisitor() {
            @Override
            public void counter(final String name, final long v) {
                names.add(name);
            }

            @Override
            public void gauge(final String name, final long v) {
                names.add(name);
            }

            @Override
            public void histogram(final String name, final Histogram h) {
                names.add(name);
            }
        });
        assertThat(names).isEmpty();
        assertThat(registry.scope("http.a.", HttpStat.class).value(HttpStat.NO_ROUTE)).isZero();
    }

    @Test
    void writesAllocateNothing() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final StatsScope<HttpStat> http = new StatsRegistry(2).scope("http.a.", HttpStat.class);
        final LoopStats<HttpStat> mine = http.loop(1);
        for (int i = 0; i < 20_000; i++) {
            write(mine, i);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            write(mine, i);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 100,000 rounds of four writes: even 8 bytes per round would be 800 KB; allow a little for measuring.
        assertThat(allocated).isLessThan(4_096);
        assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(120_000);
    }

    private static void write(final LoopStats<HttpStat> mine, final int i) {
        mine.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        mine.inc(HttpStat.DOWNSTREAM_RQ_ACTIVE);
        mine.dec(HttpStat.DOWNSTREAM_RQ_ACTIVE);
        mine.record(HttpStat.DOWNSTREAM_RQ_TIME, i & 0xFFFF);
    }

    @Test
    void registryNeedsALoop() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StatsRegistry(0));
    }
}
