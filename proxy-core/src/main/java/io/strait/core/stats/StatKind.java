package io.strait.core.stats;

/** Immutable. The three kinds of stat, as in Envoy. */
public enum StatKind {
    /** Only goes up; reported as the sum over loops. */
    COUNTER,
    /** Goes up and down; reported as the sum of the loops' signed contributions. */
    GAUGE,
    /** A distribution of recorded values (microseconds), reported as a merged HdrHistogram. */
    HISTOGRAM
}
