package io.strait.core.stats;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Confined to JMH's benchmark thread (one state per thread). The cost of a per-loop counter increment ({@link
 * LoopStats#inc}) and a gauge up and down, against an uncontended {@link AtomicLong} as the baseline the design avoids.
 * Mirrors {@code StatsRegistryTest#writesAllocateNothing}; run with {@code -prof gc} ({@code gc.alloc.rate.norm} should
 * be 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CounterBenchmark {

    private LoopStats<HttpStat> stats;
    private StatsScope<HttpStat> scope;
    private final AtomicLong atomic = new AtomicLong();

    @Setup
    public void setUp() {
        scope = new StatsRegistry(2).scope("http.bench.", HttpStat.class);
        stats = scope.loop(1);
    }

    /** One counter increment: a plain load and an opaque store. */
    @Benchmark
    public void inc() {
        stats.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
    }

    /** A gauge up and down, as a request starts and ends. */
    @Benchmark
    public void gaugeUpDown() {
        stats.inc(HttpStat.DOWNSTREAM_RQ_ACTIVE);
        stats.dec(HttpStat.DOWNSTREAM_RQ_ACTIVE);
    }

    /** Baseline: an uncontended atomic increment (a locked add). */
    @Benchmark
    public long atomicIncrement() {
        return atomic.incrementAndGet();
    }

    /** The reader's side: one counter summed over the loops. */
    @Benchmark
    public long read() {
        return scope.value(HttpStat.DOWNSTREAM_RQ_TOTAL);
    }
}
