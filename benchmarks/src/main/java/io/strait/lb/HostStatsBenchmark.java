package io.strait.lb;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH state: one host shared by the benchmark's threads, one loop index per thread. What the per-host counters cost a
 * request: {@code rq_total} when the try begins and {@code rq_success} when it ends, into the loop's own slots of
 * {@link HostStats}, against the design it avoids, one shared atomic per host stat. Alone (one thread, loop 1), and
 * with two threads as two event loops sending to the same host at once ({@code @Group}: the per-loop slots stay in
 * each core's cache, the shared atomics' line moves between cores on every write). Mirrors
 * {@code HostStatsTest#twoLoopsWritingAtOnceLoseNoCount}; run with {@code -prof gc} ({@code gc.alloc.rate.norm}
 * should be 0).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostStatsBenchmark {

    private final Host host = new Host(new InetSocketAddress("127.0.0.1", 8080), 1, 2);
    private final HostStats stats = host.stats();
    private final AtomicLong sharedTotal = new AtomicLong();
    private final AtomicLong sharedSuccess = new AtomicLong();

    /** JMH state: the loop index of one benchmark thread (0, 1, 0, ... in the order threads ask). */
    @State(Scope.Thread)
    public static class Loop {
        private static final AtomicInteger NEXT = new AtomicInteger();
        final int index = NEXT.getAndIncrement() & 1;
    }

    /** One request's host counters on loop 1: a plain load and an opaque store, twice. */
    @Benchmark
    public void perRequest() {
        stats.inc(1, HostStat.RQ_TOTAL);
        stats.inc(1, HostStat.RQ_SUCCESS);
    }

    /** Baseline, uncontended: the same two counts as shared atomics (two locked adds). */
    @Benchmark
    public void perRequestSharedAtomic() {
        sharedTotal.incrementAndGet();
        sharedSuccess.incrementAndGet();
    }

    /** Two loops counting requests to the same host at once, each in its own slots. */
    @Benchmark
    @Group("twoLoopsPerLoopSlots")
    @GroupThreads(2)
    public void twoLoopsPerLoopSlots(final Loop loop) {
        stats.inc(loop.index, HostStat.RQ_TOTAL);
        stats.inc(loop.index, HostStat.RQ_SUCCESS);
    }

    /** Two loops counting requests to the same host at once through shared atomics (contended). */
    @Benchmark
    @Group("twoLoopsSharedAtomic")
    @GroupThreads(2)
    public void twoLoopsSharedAtomic() {
        sharedTotal.incrementAndGet();
        sharedSuccess.incrementAndGet();
    }

    /** The admin's side: one stat summed over the loops. */
    @Benchmark
    public long read() {
        return stats.value(HostStat.RQ_TOTAL);
    }
}
