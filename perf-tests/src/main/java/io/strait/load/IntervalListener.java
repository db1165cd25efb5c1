package io.strait.load;

import org.HdrHistogram.Histogram;

/**
 * Called on the run's coordinator thread (never an event loop) once per interval, normally every second, and once
 * for the last, possibly shorter, interval. The histograms are reused after the call returns: copy what you keep
 * ({@code copy()}, {@code encodeIntoCompressedByteBuffer}). A slow listener delays the next interval's collection
 * but not the load itself.
 */
@FunctionalInterface
public interface IntervalListener {

    /**
     * One interval's results, summed over all worker threads.
     *
     * @param epochMillis end of the interval, wall-clock milliseconds
     * @param corrected   latency from each request's intended send time, microseconds (coordinated omission
     *                    corrected; equal to {@code uncorrected} in closed loop)
     * @param uncorrected latency from each request's actual send time (service time), microseconds
     * @param stats       counters of the interval and whether it was warm-up
     */
    void onInterval(long epochMillis, Histogram corrected, Histogram uncorrected, IntervalStats stats);
}
