package io.strait.load.distributed;

import org.HdrHistogram.Histogram;

/**
 * Called on the workload's thread. Receives a {@link Workload}'s interval snapshots; the agent's implementation encodes
 * the histogram before returning, so the workload may reset and reuse it afterwards.
 */
public interface IntervalSink {

    /**
     * One interval's results.
     *
     * @param intervalStartEpochMillis the interval's start, epoch milliseconds
     * @param intervalEndEpochMillis   the interval's end, epoch milliseconds
     * @param corrected                the latencies recorded in the interval (coordinated-omission corrected)
     * @param requests                 requests completed in the interval
     * @param errors                   requests that failed in the interval
     */
    void onInterval(long intervalStartEpochMillis, long intervalEndEpochMillis, Histogram corrected, long requests,
            long errors);
}
