package io.strait.core.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Confined to its event loop: only that loop may write through it (readers sum every loop's slots, see {@link
 * StatsScope}). The stats of one scope as one event loop writes them; get it once per loop from {@link
 * StatsScope#loop(int)} and keep it.
 *
 * <p>Counters and gauges are this loop's own {@code long} slots: a write is a plain read of the slot and an opaque
 * store (no atomic read-modify-write, no fence; on x86 a plain {@code mov}), which readers on other threads see
 * whole and soon. Gauges hold this loop's signed share (a connection opened on loop 1 and closed on loop 2 leaves +1
 * and -1, summing to 0). Histograms go to this loop's HdrHistogram {@link SingleWriterRecorder}, whose writes are
 * wait-free. No write allocates or throws; a write to a stat of the wrong kind is ignored.
 */
public final class LoopStats<E extends Enum<E> & StatDescriptor> {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;
    private final int base;
    /** By ordinal; null for counters and gauges, and for all stats of the control writer. */
    private final SingleWriterRecorder[] recorders;

    LoopStats(final long[] values, final int base, final SingleWriterRecorder[] recorders) {
        this.values = values;
        this.base = base;
        this.recorders = recorders;
    }

    /** Adds one to a counter or gauge. */
    public void inc(final E stat) {
        add(stat, 1);
    }

    /** Takes one from a gauge. */
    public void dec(final E stat) {
        add(stat, -1);
    }

    /** Adds {@code delta} to a counter (delta &gt;= 0) or a gauge (any sign). */
    public void add(final E stat, final long delta) {
        final long[] v = values;
        final int i = base + stat.ordinal();
        LONGS.setOpaque(v, i, v[i] + delta);
    }

    /**
     * Sets this writer's share of a gauge to {@code value}. Meant for a gauge only one writer changes (e.g.
     * {@link ClusterStat#MEMBERSHIP_TOTAL} through {@link StatsScope#control()}), whose share is then the value.
     */
    public void set(final E stat, final long value) {
        LONGS.setOpaque(values, base + stat.ordinal(), value);
    }

    /**
     * Records one value into a histogram, in microseconds ({@link StatsRegistry#HISTOGRAM_UNIT}). Values below 0
     * count as 0 and above {@link StatsRegistry#HISTOGRAM_MAX_MICROS} as that maximum.
     */
    public void record(final E stat, final long micros) {
        final SingleWriterRecorder r = recorders[stat.ordinal()];
        if (r != null) {
            final long max = StatsRegistry.HISTOGRAM_MAX_MICROS;
            r.recordValue(micros < 0 ? 0 : micros > max ? max : micros);
        }
    }
}
