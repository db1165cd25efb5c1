package io.strait.core.stats;

/** The three kinds of stat, as in Envoy. Immutable. */
public enum StatKind {
    /** Only goes up; reported as the sum over loops. */
    COUNTER,
    /** Goes up and down; reported as the sum of the loops' signed contributions. */
    GAUGE,
    /** A distribution of recorded values (microseconds), reported as a merged HdrHistogram. */
    HISTOGRAM
}
