package io.strait.lb.resilience;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter, as Envoy's retry backoff: the retry that follows {@code n} earlier retries
 * (n = 0 for the first) waits a uniformly random time in {@code [0, min(max, base x 2^n))}. Immutable and
 * thread-safe; the caller brings its own random source (one per event loop), and nothing is allocated.
 */
public final class RetryBackoff {

    private final long baseNanos;
    private final long maxNanos;

    /**
     * A backoff.
     *
     * @param baseNanos the first retry's upper bound, &gt; 0
     * @param maxNanos  the cap of every upper bound, &gt;= baseNanos
     */
    public RetryBackoff(final long baseNanos, final long maxNanos) {
        if (baseNanos <= 0) {
            throw new IllegalArgumentException("baseNanos must be > 0: " + baseNanos);
        }
        if (maxNanos < baseNanos) {
            throw new IllegalArgumentException("maxNanos (" + maxNanos + ") must be >= baseNanos (" + baseNanos
                + ")");
        }
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
    }

    /** The exclusive upper bound of the wait before the retry that follows {@code retriesBefore} retries. */
    public long upperBoundNanos(final int retriesBefore) {
        if (retriesBefore <= 0) {
            return baseNanos;
        }
        // base x 2^n without overflow: past the point where it would exceed max, it is max.
        if (retriesBefore >= 63 || baseNanos > (maxNanos >> retriesBefore)) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << retriesBefore);
    }

    /** The wait before the retry that follows {@code retriesBefore} retries, drawn from {@code random}. */
    public long delayNanos(final int retriesBefore, final RandomGenerator random) {
        return random.nextLong(upperBoundNanos(retriesBefore));
    }

    /** The first retry's upper bound. */
    public long baseNanos() {
        return baseNanos;
    }

    /** The cap. */
    public long maxNanos() {
        return maxNanos;
    }
}
