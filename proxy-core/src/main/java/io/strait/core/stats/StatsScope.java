package io.strait.core.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Thread-safe: each event loop writes through its own {@link #loop(int) LoopStats}; any thread may read. One instance
 * of a stats enum under a prefix, e.g. {@link HttpStat} under {@code http.ingress.}.
 *
 * <p>Counter and gauge slots live in one {@code long[]}, one region per writer, with {@value #PAD} longs (128 bytes,
 * two cache lines, so adjacent-line prefetch cannot pair them either) before, between and after the regions, so no
 * two writers ever share a cache line:
 * <pre>
 *   | PAD | loop 0: one slot per stat ordinal | PAD | loop 1: ... | PAD | ... | control: ... | PAD |
 * </pre>
 * Reads sum a stat's slot over all regions with opaque loads. Histograms have one {@link SingleWriterRecorder} per
 * loop and stat (each holds two counts arrays of ~27 KB, which keep different loops' recorders far apart in memory).
 * A read drains every loop's recorder into a cumulative histogram kept here, then copies it; reads of histograms
 * are serialized on this scope.
 */
public final class StatsScope<E extends Enum<E> & StatDescriptor> {

    /** Longs of padding around each writer's region. */
    static final int PAD = 16;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String prefix;
    private final Class<E> type;
    private final E[] stats;
    private final int loops;
    private final int stride;
    private final long[] values;
    /** [loop][ordinal], null where the stat is not a histogram. */
    private final SingleWriterRecorder[][] recorders;
    /** [loop][ordinal]: the interval histogram each recorder gave last, recycled on the next read. Guarded by this. */
    private final Histogram[][] spares;
    /** [ordinal]: everything recorded so far, merged over loops. Guarded by this. */
    private final Histogram[] cumulative;
    private final LoopStats<E>[] views;

    @SuppressWarnings("unchecked")
    StatsScope(final String prefix, final Class<E> type, final int loops) {
        this.prefix = prefix;
        this.type = type;
        this.stats = type.getEnumConstants();
        this.loops = loops;
        final int n = stats.length;
        this.stride = n + PAD;
        // loops regions for the event loops plus one for the control writer.
        this.values = new long[PAD + (loops + 1) * stride];
        this.recorders = new SingleWriterRecorder[loops][n];
        this.spares = new Histogram[loops][n];
        this.cumulative = new Histogram[n];
        for (final E s : stats) {
            if (s.kind() == StatKind.HISTOGRAM) {
                cumulative[s.ordinal()] = newHistogram();
                for (int l = 0; l < loops; l++) {
                    recorders[l][s.ordinal()] = new SingleWriterRecorder(
                        1, StatsRegistry.HISTOGRAM_MAX_MICROS, StatsRegistry.HISTOGRAM_DIGITS);
                }
            }
        }
        this.views = (LoopStats<E>[]) new LoopStats<?>[loops + 1];
        for (int l = 0; l < loops; l++) {
            views[l] = new LoopStats<>(values, base(l), recorders[l]);
        }
        views[loops] = new LoopStats<>(values, base(loops), new SingleWriterRecorder[n]);
    }

    private static Histogram newHistogram() {
        return new Histogram(1, StatsRegistry.HISTOGRAM_MAX_MICROS, StatsRegistry.HISTOGRAM_DIGITS);
    }

    private int base(final int region) {
        return PAD + region * stride;
    }

    /** The prefix every name of this scope starts with, e.g. {@code http.ingress.}. */
    public String prefix() {
        return prefix;
    }

    /** The enum of this scope's stats. */
    public Class<E> statsType() {
        return type;
    }

    /**
     * The view event loop {@code loopIndex} writes through (the same object on every call: cache it per loop).
     *
     * @param loopIndex 0 &lt;= loopIndex &lt; the registry's loop count
     */
    public LoopStats<E> loop(final int loopIndex) {
        if (loopIndex < 0 || loopIndex >= loops) {
            throw new IllegalArgumentException("loop index " + loopIndex + " not in [0, " + loops + ")");
        }
        return views[loopIndex];
    }

    /**
     * The view of the one writer that is not an event loop (e.g. the thread applying host-set updates, for
     * {@link ClusterStat#MEMBERSHIP_HEALTHY}): counters and gauges only, histogram writes through it are ignored.
     * Confined, like a loop's view, to one thread at a time.
     */
    public LoopStats<E> control() {
        return views[loops];
    }

    /** A counter's or gauge's value: the sum of every writer's slot. */
    public long value(final E stat) {
        if (stat.kind() == StatKind.HISTOGRAM) {
            throw new IllegalArgumentException(stat + " is a histogram");
        }
        return valueAt(stat.ordinal());
    }

    long valueAt(final int ordinal) {
        final long[] v = values;
        long sum = 0;
        for (int r = 0; r <= loops; r++) {
            sum += (long) LONGS.getOpaque(v, base(r) + ordinal);
        }
        return sum;
    }

    /** A histogram's values recorded so far on every loop, merged: a new copy, in microseconds. */
    public Histogram histogram(final E stat) {
        if (stat.kind() != StatKind.HISTOGRAM) {
            throw new IllegalArgumentException(stat + " is not a histogram");
        }
        return histogramAt(stat.ordinal());
    }

    synchronized Histogram histogramAt(final int ordinal) {
        final Histogram total = cumulative[ordinal];
        for (int l = 0; l < loops; l++) {
            final Histogram interval = recorders[l][ordinal].getIntervalHistogram(spares[l][ordinal]);
            total.add(interval);
            spares[l][ordinal] = interval;
        }
        return total.copy();
    }

    E[] stats() {
        return stats;
    }
}
