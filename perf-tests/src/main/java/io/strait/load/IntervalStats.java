package io.strait.load;

/**
 * Immutable: the counters of one interval (differences over it), summed over the worker threads.
 *
 * @param warmup     true when the interval lies in the warm-up, which the final result excludes
 * @param elapsedNanos the interval's length
 * @param counters   one value per {@link LoadCounter}, indexed by ordinal
 */
public record IntervalStats(boolean warmup, long elapsedNanos, long[] counters) {

    /** Returns one counter's value in this interval. */
    public long get(final LoadCounter c) {
        return counters[c.ordinal()];
    }

    /** Returns the errors of all kinds in this interval. */
    public long errors() {
        return LoadCounter.errors(counters);
    }
}
