package io.strait.admin;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * Immutable once made (its histograms are copies no one else holds). Every stat read at one moment, as the admin's
 * pages render it: counters (less the {@code /reset_counters} baseline) and gauges in name order, then histograms in
 * name order.
 *
 * @param scalars    counters and gauges
 * @param histograms histograms
 */
record StatsSnapshot(List<Scalar> scalars, List<HistogramStat> histograms) {

    /** A counter or a gauge. */
    record Scalar(String name, boolean counter, long value) {
    }

    /**
     * A histogram, values in microseconds.
     *
     * @param interval   the values of the last completed interval; null before the first interval completed
     * @param cumulative every value recorded
     */
    record HistogramStat(String name, Histogram interval, Histogram cumulative) {
    }
}
