package io.strait.core.stats;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Confined to JMH's benchmark thread (one state per thread). The cost of recording one latency ({@link
 * LoopStats#record}) into a loop's HdrHistogram {@code SingleWriterRecorder}, with values spread over 50 µs .. 50 ms
 * so different counts slots are hit. Mirrors {@code StatsRegistryTest#histogramsMergeOverLoops}; run with {@code -prof
 * gc} ({@code gc.alloc.rate.norm} should be 0).
 *
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistogramBenchmark {

    private static final int MASK = 1023;

    private LoopStats<HttpStat> stats;
    private final long[] values = new long[MASK + 1];
    private int next;

    @Setup
    public void setUp() {
        stats = new StatsRegistry(2).scope("http.bench.", HttpStat.class).loop(0);
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < values.length; i++) {
            // Log-uniform over 50 µs .. 50 ms, like request latencies.
            values[i] = (long) (50 * Math.pow(1000, random.nextDouble()));
        }
    }

    /** One latency recorded. */
    @Benchmark
    public void record() {
        stats.record(HttpStat.DOWNSTREAM_RQ_TIME, values[next++ & MASK]);
    }
}
