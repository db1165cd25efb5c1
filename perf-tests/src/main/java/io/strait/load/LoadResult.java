package io.strait.load;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * Immutable once returned by {@link LoadRun#await()} (do not record into its histograms): the measured part of a
 * run, warm-up excluded.
 *
 * @param options         the run's parameters
 * @param transport       {@code epoll} or {@code nio}
 * @param startEpochMillis wall-clock start of the measured part
 * @param elapsedNanos    length of the measured part
 * @param counters        one value per {@link LoadCounter}, by ordinal, over the measured part
 * @param corrected       latency from intended send times, microseconds
 * @param uncorrected     latency from actual send times (service time), microseconds
 * @param timeline        one entry per measured interval (about one second each)
 * @param cpuNanos        this process's CPU time during the measured part, or -1 when unknown
 * @param watchedTicks    the watched process's CPU time (utime + stime, clock ticks) during the measured part, or -1
 *                        when none was watched ({@code --watch-pid})
 * @param stoppedEarly    true when {@link LoadRun#stop()} ended the run before its duration
 * @param jitMillis       time this JVM's JIT compilers spent during the measured part (HotSpot's accumulated
 *                        compilation time), or -1 when unknown: a large share of the run means the warm-up was too
 *                        short and the generator's CPU per request includes its own compilation
 */
public record LoadResult(LoadOptions options, String transport, long startEpochMillis, long elapsedNanos,
                         long[] counters, Histogram corrected, Histogram uncorrected, List<Second> timeline,
                         long cpuNanos, boolean stoppedEarly, long watchedTicks, long jitMillis) {

    /** Copies the timeline. */
    public LoadResult {
        timeline = List.copyOf(timeline);
    }

    /** The former arity: JIT time unknown. */
    public LoadResult(final LoadOptions options, final String transport, final long startEpochMillis,
                      final long elapsedNanos, final long[] counters, final Histogram corrected,
                      final Histogram uncorrected, final List<Second> timeline, final long cpuNanos,
                      final boolean stoppedEarly, final long watchedTicks) {
        this(options, transport, startEpochMillis, elapsedNanos, counters, corrected, uncorrected, timeline, cpuNanos,
            stoppedEarly, watchedTicks, -1);
    }

    /** Returns one counter over the measured part. */
    public long get(final LoadCounter c) {
        return counters[c.ordinal()];
    }

    /** Returns the completed responses (any status) of the measured part. */
    public long requests() {
        return LoadCounter.responses(counters);
    }

    /** Returns all errors: connect, reset, timeout, parse and non-2xx responses. */
    public long errors() {
        return LoadCounter.errors(counters);
    }

    /** Returns completed responses per second. */
    public double requestsPerSecond() {
        return elapsedNanos <= 0 ? 0 : requests() * 1e9 / elapsedNanos;
    }

    /**
     * Immutable: one interval of the timeline.
     *
     * @param second       index from the start of the measured part
     * @param epochMillis  end of the interval
     * @param requests     completed responses
     * @param errors       errors of all kinds
     * @param p50Millis    corrected median latency
     * @param p99Millis    corrected 99th percentile
     * @param uncorrectedP99Millis uncorrected 99th percentile
     */
    public record Second(int second, long epochMillis, long requests, long errors, double p50Millis,
                         double p99Millis, double uncorrectedP99Millis) {
    }
}
