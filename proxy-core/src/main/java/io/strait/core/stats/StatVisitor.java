package io.strait.core.stats;

import org.HdrHistogram.Histogram;

/**
 * Called on the reading thread only (never on an event loop). Receives every stat of a {@link StatsRegistry#forEach}
 * walk, by full name ({@code prefix + statName}), in name order.
 */
public interface StatVisitor {

    /** A counter, summed over loops. */
    void counter(String name, long value);

    /** A gauge, the sum of the loops' contributions. */
    void gauge(String name, long value);

    /**
     * A histogram, merged over loops since the scope was made: a copy the visitor may keep. Values are in
     * microseconds ({@link StatsRegistry#HISTOGRAM_UNIT}); Envoy renders milliseconds.
     */
    void histogram(String name, Histogram histogram);
}
