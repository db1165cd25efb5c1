package io.strait.core.stats;

import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Confined to its event loop: only that loop may write through it (readers sum every loop's slots, see {@link
 * StatsScope}). The stats of one scope as one event loop writes them; get it once per loop from {@link
 * StatsScope#loop(int)} and keep it.
 *
 * <p>Counters and gauges are this loop's own Agrona counter records (in a stats file or in direct memory, see {@link
 * StatsScope}): a write is a plain read of the value and an opaque store (no atomic read-modify-write, no fence; on
 * x86 a plain {@code mov}), which readers on other threads, or in other processes mapping the stats file, see whole
 * and soon. Gauges hold this loop's signed share (a connection opened on loop 1 and closed on loop 2 leaves +1
 * and -1, summing to 0). Histograms go to this loop's HdrHistogram {@link SingleWriterRecorder}, whose writes are
 * wait-free. No write allocates or throws; a write to a stat of the wrong kind is ignored.
 */
public final class LoopStats<E extends Enum<E> & StatDescriptor> {

    /** Held so that the memory {@link #addresses} point into stays mapped while this view exists. */
    private final UnsafeBuffer values;
    /**
     * By ordinal: the absolute address of this writer's value in {@link #values} (the sink's for histograms), checked
     * against the buffer's bounds when the scope was made, so writes skip the buffer's per-access bounds checks.
     */
    private final long[] addresses;
    /** By ordinal; null for counters and gauges, and for all stats of the control writer. */
    private final SingleWriterRecorder[] recorders;

    LoopStats(final UnsafeBuffer values, final long[] addresses, final SingleWriterRecorder[] recorders) {
        this.values = values;
        this.addresses = addresses;
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
        final long a = addresses[stat.ordinal()];
        UnsafeApi.putLongOpaque(null, a, UnsafeApi.getLong(null, a) + delta);
    }

    /**
     * Sets this writer's share of a gauge to {@code value}. Meant for a gauge only one writer changes (e.g.
     * {@link ClusterStat#MEMBERSHIP_TOTAL} through {@link StatsScope#control()}), whose share is then the value.
     */
    public void set(final E stat, final long value) {
        UnsafeApi.putLongOpaque(null, addresses[stat.ordinal()], value);
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
