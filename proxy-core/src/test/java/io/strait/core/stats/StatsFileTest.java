package io.strait.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stats in a file: the header, reading from a second mapping, capacity, freeing, takeover and refusal. */
class StatsFileTest {

    private static final int LOOPS = 3;

    @TempDir
    Path dir;

    @Test
    void headerDescribesTheFileAndItsWriter() throws IOException {
        final Path file = dir.resolve("stats-1");
        final int capacity = StatsRegistry.defaultCapacity(2);
        try (StatsRegistry registry = StatsRegistry.open(2, file)) {
            assertThat(registry.file()).isEqualTo(file.toAbsolutePath());
            final ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(h.capacity()).isEqualTo(128 + capacity * (512 + 128));
            final byte[] magic = new byte[8];
            h.get(0, magic);
            assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("STRAITST");
            assertThat(h.getInt(8)).as("version").isEqualTo(1);
            assertThat(h.getInt(12)).as("loops").isEqualTo(2);
            assertThat(h.getInt(16)).as("metadata length").isEqualTo(capacity * 512);
            assertThat(h.getInt(20)).as("values length").isEqualTo(capacity * 128);
            assertThat(h.getLong(24)).as("pid").isEqualTo(ProcessHandle.current().pid());
            final long started = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            assertThat(h.getLong(32)).as("process start").isEqualTo(started);
            assertThat(h.getLong(40)).as("opened").isBetween(started, System.currentTimeMillis());

            try (StatsFileReader reader = StatsFileReader.open(file)) {
                assertThat(reader.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(reader.writerAlive()).isTrue();
                assertThat(reader.eventLoops()).isEqualTo(2);
                assertThat(reader.capacity()).isEqualTo(capacity);
                assertThat(reader.values()).as("the sink is never reported").isEmpty();
            }
        }
        try (StatsFileReader reader = StatsFileReader.open(file)) {
            assertThat(reader.pid()).as("released on close").isZero();
            assertThat(reader.writerAlive()).isFalse();
        }
    }

    @Test
    void aSecondMappingSeesEveryWritersCountersSummedByName() throws Exception {
        final Path file = dir.resolve("stats");
        try (StatsRegistry registry = StatsRegistry.open(LOOPS, file);
             StatsFileReader reader = StatsFileReader.open(file)) {
            final StatsScope<HttpStat> http = registry.scope("http.ingress.", HttpStat.class);
            final StatsScope<ClusterStat> api = registry.scope("cluster.api.", ClusterStat.class);
            final AtomicBoolean writing = new AtomicBoolean(true);
            final AtomicReference<String> readerSaw = new AtomicReference<>("nothing wrong");
            // The other mapping reads while the loops write: each record only grows, so its sums never go down.
            final Thread watcher = new Thread(() -> {
                long last = 0;
                while (writing.get()) {
                    final long now = reader.values().getOrDefault("http.ingress.downstream_rq_total", 0L);
                    if (now < last) {
                        readerSaw.set("went down from " + last + " to " + now);
                    }
                    last = now;
                }
            });
            watcher.start();
            onEveryLoop(loop -> {
                for (int i = 0; i < 50_000; i++) {
                    http.loop(loop).inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
                    api.loop(loop).add(ClusterStat.UPSTREAM_RQ_RETRY, loop + 1);
                }
                api.loop(loop).inc(ClusterStat.UPSTREAM_CX_ACTIVE);
            });
            writing.set(false);
            watcher.join();
            api.control().set(ClusterStat.MEMBERSHIP_TOTAL, 7);
            api.loop(0).dec(ClusterStat.UPSTREAM_RQ_ACTIVE);

            assertThat(readerSaw.get()).isEqualTo("nothing wrong");
            final Map<String, Long> values = reader.values();
            assertThat(values).containsEntry("http.ingress.downstream_rq_total", 150_000L)
                // (1 + 2 + 3) * 50,000
                .containsEntry("cluster.api.upstream_rq_retry", 300_000L)
                .containsEntry("cluster.api.upstream_cx_active", (long) LOOPS)
                .containsEntry("cluster.api.membership_total", 7L)
                .containsEntry("cluster.api.upstream_rq_active", -1L)
                .containsEntry("http.ingress.downstream_rq_5xx", 0L)
                .doesNotContainKey("http.ingress.downstream_rq_time");
            assertThat(new ArrayList<>(values.keySet())).as("every counter and gauge, in name order").isSorted()
                .hasSize(countersAndGauges(HttpStat.values()) + countersAndGauges(ClusterStat.values()));
            // The registry's own read agrees with the other mapping.
            assertThat(http.value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(150_000);
        }
    }

    @Test
    void aFullStoreNamesItsCapacityAndRemovedScopesFreeTheirCounters() {
        final CachedEpochClock clock = new CachedEpochClock();
        // One ListenerStat scope on one loop: 11 counters and gauges x 2 writers, plus the sink.
        final int capacity = countersAndGauges(ListenerStat.values()) * 2 + 1;
        assertThat(capacity).isEqualTo(23);
        final StatsRegistry registry = StatsRegistry.open(1, null, capacity, false, clock);
        final StatsScope<ListenerStat> a = registry.scope("listener.a.", ListenerStat.class);
        a.loop(0).inc(ListenerStat.DOWNSTREAM_CX_OVERFLOW);
        assertThatIllegalStateException().isThrownBy(() -> registry.scope("listener.b.", ListenerStat.class))
            .withMessageContaining("capacity of 23 counters is full")
            .withMessageContaining("scope listener.b. needs 22 more");

        assertThat(registry.remove("listener.a.")).isTrue();
        assertThat(a.value(ListenerStat.DOWNSTREAM_CX_OVERFLOW)).as("kept at removal").isEqualTo(1);
        // Freed records wait before reuse, so late writes of views still held cannot reach their next owner.
        assertThatIllegalStateException().isThrownBy(() -> registry.scope("listener.b.", ListenerStat.class));
        clock.advance(CounterArea.FREE_TO_REUSE_MILLIS);
        final StatsScope<ListenerStat> b = registry.scope("listener.b.", ListenerStat.class);
        a.loop(0).inc(ListenerStat.DOWNSTREAM_CX_OVERFLOW);
        a.control().set(ListenerStat.DOWNSTREAM_CX_ACCEPT_ERROR, 9);
        for (final ListenerStat s : ListenerStat.values()) {
            if (s.kind() == StatKind.HISTOGRAM) {
                continue;
            }
            assertThat(b.value(s)).as("%s of the new scope, after writes through the removed one's views", s).isZero();
        }
        b.loop(0).inc(ListenerStat.DOWNSTREAM_CX_OVERFLOW);
        assertThat(b.value(ListenerStat.DOWNSTREAM_CX_OVERFLOW)).isEqualTo(1);
        final List<String> names = new ArrayList<>();
        registry.forEach(new NameCollector(names));
        assertThat(names).allMatch(n -> n.startsWith("listener.b.")).hasSize(ListenerStat.values().length);
    }

    @Test
    void aFileOfAFinishedProcessIsTakenOverWithCountersFromZero() throws IOException {
        final Path file = dir.resolve("stats");
        try (StatsRegistry first = StatsRegistry.open(2, file)) {
            first.scope("cluster.api.", ClusterStat.class).loop(0).add(ClusterStat.UPSTREAM_RQ_TOTAL, 5);
        }
        try (StatsRegistry second = StatsRegistry.open(1, file)) {
            assertThat(second.scope("cluster.api.", ClusterStat.class).value(ClusterStat.UPSTREAM_RQ_TOTAL)).isZero();
        }
    }

    @Test
    void aFileTakenOverToContinueCarriesItsCountersOn() throws IOException {
        final Path file = dir.resolve("stats");
        try (StatsRegistry first = StatsRegistry.open(2, file)) {
            final StatsScope<ClusterStat> api = first.scope("cluster.api.", ClusterStat.class);
            api.loop(0).add(ClusterStat.UPSTREAM_RQ_TOTAL, 5);
            api.loop(1).add(ClusterStat.UPSTREAM_RQ_TOTAL, 2);
            api.loop(1).inc(ClusterStat.UPSTREAM_CX_ACTIVE);
            first.scope("cluster.gone.", ClusterStat.class).loop(0).inc(ClusterStat.UPSTREAM_RQ_TOTAL);
        }
        try (StatsFileReader old = StatsFileReader.open(file);
             StatsRegistry second = StatsRegistry.openContinuing(4, file, StatsRegistry.defaultCapacity(4))) {
            assertThat(old.replaced()).as("the new file was renamed over the old").isTrue();
            final StatsScope<ClusterStat> api = second.scope("cluster.api.", ClusterStat.class);
            assertThat(api.value(ClusterStat.UPSTREAM_RQ_TOTAL)).as("a counter carries on").isEqualTo(7);
            assertThat(api.value(ClusterStat.UPSTREAM_CX_ACTIVE)).as("a gauge described the old process").isZero();
            api.loop(3).inc(ClusterStat.UPSTREAM_RQ_TOTAL);
            try (StatsFileReader reader = StatsFileReader.open(file)) {
                assertThat(reader.eventLoops()).isEqualTo(4);
                assertThat(reader.values()).containsEntry("cluster.api.upstream_rq_total", 8L)
                    .doesNotContainKey("cluster.gone.upstream_rq_total");
            }
        }
    }

    @Test
    void aFileInUseIsRefused() throws IOException {
        final Path file = dir.resolve("stats");
        try (StatsRegistry first = StatsRegistry.open(1, file)) {
            assertThatIllegalStateException().isThrownBy(() -> StatsRegistry.open(1, file))
                .withMessageContaining(file.toAbsolutePath() + " is already open in this process");
        }
        // A released file whose header names another live process (here our parent, as if it had written it).
        final ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            final ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(parent.pid()).putLong(parent.info().startInstant().map(Instant::toEpochMilli).orElse(0L)).flip();
            ch.write(b, 24);
        }
        assertThatIllegalStateException().isThrownBy(() -> StatsRegistry.open(1, file))
            .withMessageContaining("is in use by process " + parent.pid());
    }

    @Test
    void aFileThatIsNotAStatsFileIsNeitherReplacedNorRead() throws IOException {
        final Path file = Files.writeString(dir.resolve("notes.txt"), "x".repeat(500), StandardCharsets.US_ASCII);
        assertThatIllegalStateException().isThrownBy(() -> StatsRegistry.open(1, file))
            .withMessageContaining("will not replace " + file.toAbsolutePath() + ": not a Strait stats file");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo("x".repeat(500));
        assertThatThrownBy(() -> StatsFileReader.open(file)).isInstanceOf(IOException.class)
            .hasMessageContaining("not a Strait stats file");
        assertThatThrownBy(() -> StatsFileReader.open(dir.resolve("none"))).isInstanceOf(NoSuchFileException.class);
        final Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> StatsFileReader.open(empty)).isInstanceOf(IOException.class)
            .hasMessageContaining("too short");
    }

    @Test
    void readsTolerateScopesAddedAndRemovedMeanwhile() throws Exception {
        final Path file = dir.resolve("stats");
        final CachedEpochClock clock = new CachedEpochClock();
        try (StatsRegistry registry = StatsRegistry.open(1, file, 2_000, false, clock);
             StatsFileReader reader = StatsFileReader.open(file)) {
            final StatsScope<HttpStat> stable = registry.scope("http.stable.", HttpStat.class);
            stable.loop(0).add(HttpStat.DOWNSTREAM_RQ_TOTAL, 42);
            final AtomicBoolean churning = new AtomicBoolean(true);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread churn = new Thread(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        final StatsScope<ListenerStat> s = registry.scope("listener.l" + (i % 7) + ".",
                            ListenerStat.class);
                        s.loop(0).add(ListenerStat.DOWNSTREAM_CX_OVERFLOW, 1_000_000);
                        registry.remove("listener.l" + (i % 7) + ".");
                        clock.advance(CounterArea.FREE_TO_REUSE_MILLIS);
                    }
                } catch (final Throwable e) {
                    failure.set(e);
                } finally {
                    churning.set(false);
                }
            });
            churn.start();
            int reads = 0;
            while (churning.get() || reads == 0) {
                final Map<String, Long> values = reader.values();
                assertThat(values).containsEntry("http.stable.downstream_rq_total", 42L);
                assertThat(values.keySet()).allMatch(n -> n.startsWith("http.stable.") || n.startsWith("listener.l"));
                values.forEach((name, v) -> {
                    if (name.startsWith("listener.l")) {
                        assertThat(v).as(name).isIn(0L, 1_000_000L);
                    }
                });
                reads++;
            }
            churn.join();
            assertThat(failure.get()).isNull();
            assertThat(reader.values().keySet()).allMatch(n -> n.startsWith("http.stable."));
        }
    }

    private static int countersAndGauges(final StatDescriptor[] stats) {
        int n = 0;
        for (final StatDescriptor s : stats) {
            if (s.kind() != StatKind.HISTOGRAM) {
                n++;
            }
        }
        return n;
    }

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

    /** Collects the names a registry visits. */
    private static final class NameCollector implements StatVisitor {
        private final List<String> names;

        NameCollector(final List<String> names) {
            this.names = names;
        }

        @Override
        public void counter(final String name, final long value) {
            names.add(name);
        }

        @Override
        public void gauge(final String name, final long value) {
            names.add(name);
        }

        @Override
        public void histogram(final String name, final Histogram histogram) {
            names.add(name);
        }
    }
}
