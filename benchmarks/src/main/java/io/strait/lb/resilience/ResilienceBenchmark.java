package io.strait.lb.resilience;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the shared, cross-loop state of one request costs: a circuit breaker's request slot (acquire and
 * release) and a rate limit's token, on one thread and with two threads hitting the same cluster (the
 * contended case of two event loops). Mirrors CircuitBreakerTest and TokenBucketTest.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResilienceBenchmark {

    private final CircuitBreaker breaker = new CircuitBreaker(1 << 20, 1 << 20, 1 << 20);
    private final TokenBucket bucket = new TokenBucket(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4,
        TimeUnit.SECONDS.toNanos(1), System.nanoTime());

    /** One request's breaker slot, uncontended. */
    @Benchmark
    public boolean requestSlot() {
        final boolean ok = breaker.tryAcquireRequest();
        if (ok) {
            breaker.releaseRequest();
        }
        return ok;
    }

    /** The same with two threads on one breaker. */
    @Benchmark
    @Threads(2)
    public boolean requestSlotContended() {
        return requestSlot();
    }

    /** One token from a bucket that never runs dry, uncontended. */
    @Benchmark
    public boolean token() {
        return bucket.tryAcquire(System.nanoTime());
    }

    /** The same with two threads on one bucket. */
    @Benchmark
    @Threads(2)
    public boolean tokenContended() {
        return token();
    }
}
