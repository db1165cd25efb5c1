package io.strait.core.stats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Thread-safe: each event loop writes through its own {@link #loop(int) LoopStats}; any thread may read. One instance
 * of a stats enum under a prefix, e.g. {@link HttpStat} under {@code http.ingress.}.
 *
 * <p>Each counter and gauge has one Agrona counter per writer (every event loop, and the control writer), all from
 * one {@link CounterArea} of the registry's {@link CounterStore}: a 128-byte record each, so no two writers ever
 * share a cache line, labelled with the full name (e.g. {@code cluster.api.upstream_rq_total}) so that a reader in
 * another process ({@link StatsFileReader}) can sum them by name. Reads here sum a stat's records over all writers
 * with opaque loads. Histograms have one {@link SingleWriterRecorder} per loop and stat (each holds two counts arrays
 * of ~27 KB, which keep different loops' recorders far apart in memory); they live only in this process. A read
 * drains every loop's recorder into a cumulative histogram kept here, then copies it; reads of histograms are
 * serialized on this scope.
 */
public final class StatsScope<E extends Enum<E> & StatDescriptor> {

    private final String prefix;
    private final Class<E> type;
    private final E[] stats;
    private final int loops;
    private final CounterArea area;
    private final UnsafeBuffer values;
    /**
     * [writer][ordinal]: the absolute address of the writer's value in {@link #values} (the sink's for histograms);
     * each row is that writer's {@link LoopStats}' own.
     */
    private final long[][] addresses;
    /** Every Agrona counter id this scope allocated, freed with it. */
    private final int[] ids;
    /** [loop][ordinal], null where the stat is not a histogram. */
    private final SingleWriterRecorder[][] recorders;
    /** [loop][ordinal]: the interval histogram each recorder gave last, recycled on the next read. Guarded by this. */
    private final Histogram[][] spares;
    /** [ordinal]: everything recorded so far, merged over loops. Guarded by this. */
    private final Histogram[] cumulative;
    private final LoopStats<E>[] views;
    /** [ordinal]: the sums when the scope was freed; null while it is live. */
    private volatile long[] frozen;
    /**
     * [ordinal]: the address of the counter's carried-over total ({@link #carry}), 0 for none; replaced whole, null
     * until something is carried.
     */
    private volatile long[] carried;
    /** The records of carried totals, freed with the scope. Guarded by the registry's lock. */
    private final List<Integer> carriedIds = new ArrayList<>();

    /**
     * Allocates the scope's counters in {@code store} (counters carried over from a taken-over stats file start at
     * their old totals, in the control writer's record).
     *
     * @throws IllegalArgumentException if a full name is longer than an Agrona label can hold
     * @throws IllegalStateException    if the store is full
     */
    @SuppressWarnings("unchecked")
    StatsScope(final String prefix, final Class<E> type, final int loops, final CounterStore store) {
        this.prefix = prefix;
        this.type = type;
        this.stats = type.getEnumConstants();
        this.loops = loops;
        final int n = stats.length;
        int valued = 0;
        int counters = 0;
        for (final E s : stats) {
            if (s.kind() == StatKind.COUNTER) {
                counters++;
            }
            if (s.kind() != StatKind.HISTOGRAM) {
                valued++;
                final String name = prefix + s.statName();
                if (name.getBytes(StandardCharsets.UTF_8).length > CountersReader.MAX_LABEL_LENGTH) {
                    throw new IllegalArgumentException("stat name longer than " + CountersReader.MAX_LABEL_LENGTH
                        + " bytes: " + name);
                }
            }
        }
        // loops writers for the event loops plus one, the last, for the control writer. Carried totals are allocated
        // in this scope's area too: a growing store sizes areas to fit, so it keeps room for one per counter.
        this.area = store.areaFor(valued * (loops + 1) + (store.growing() ? counters : 0), "scope " + prefix);
        this.values = area.values();
        this.addresses = new long[loops + 1][n];
        this.ids = new int[valued * (loops + 1)];
        int next = 0;
        for (int w = 0; w <= loops; w++) {
            for (final E s : stats) {
                if (s.kind() == StatKind.HISTOGRAM) {
                    addresses[w][s.ordinal()] = address(area.sinkOffset());
                    continue;
                }
                final int writer = w == loops ? CounterArea.CONTROL_WRITER : w;
                final int id = area.allocate(prefix + s.statName(), s.kind(), writer);
                ids[next++] = id;
                addresses[w][s.ordinal()] = address(CounterArea.offset(id));
                if (w == loops && s.kind() == StatKind.COUNTER) {
                    final long carried = store.claimCarried(prefix + s.statName());
                    if (carried != 0) {
                        area.set(id, carried);
                    }
                }
            }
        }
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
            views[l] = new LoopStats<>(values, addresses[l], recorders[l]);
        }
        views[loops] = new LoopStats<>(values, addresses[loops], new SingleWriterRecorder[n]);
    }

    /** The absolute address of the long at {@code offset} in {@link #values}, checked against its bounds. */
    private long address(final int offset) {
        if (values.byteArray() != null) {
            throw new IllegalStateException("stats values must be off-heap: absolute addresses are used");
        }
        values.boundsCheck(offset, Long.BYTES);
        return values.addressOffset() + offset;
    }

    private static Histogram newHistogram() {
        return new Histogram(1, StatsRegistry.HISTOGRAM_MAX_MICROS, StatsRegistry.HISTOGRAM_DIGITS);
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
        final long[] f = frozen;
        if (f != null) {
            return f[ordinal];
        }
        long sum = 0;
        for (int w = 0; w <= loops; w++) {
            sum += UnsafeApi.getLongOpaque(null, addresses[w][ordinal]);
        }
        final long[] c = carried;
        if (c != null && c[ordinal] != 0) {
            sum += UnsafeApi.getLongOpaque(null, c[ordinal]);
        }
        return sum;
    }

    /**
     * Adds {@code total} to counter {@code ordinal}: what a process this one took over had counted (a hot restart).
     * Kept in a record of its own, written here once and never by a loop, so no writer's update can be lost to it;
     * readers (and the stats file) sum it with the writers'. Gauges and histograms are never carried. Called under the
     * registry's lock.
     *
     * @return true if carried
     */
    boolean carry(final int ordinal, final long total) {
        final E s = stats[ordinal];
        if (frozen != null || s.kind() != StatKind.COUNTER || total <= 0) {
            return false;
        }
        final long[] next = carried == null ? new long[stats.length] : carried.clone();
        if (next[ordinal] != 0) {
            UnsafeApi.putLongOpaque(null, next[ordinal], UnsafeApi.getLongOpaque(null, next[ordinal]) + total);
            return true;
        }
        final int id = area.allocate(prefix + s.statName(), StatKind.COUNTER, CounterArea.CARRIED_WRITER);
        area.set(id, total);
        carriedIds.add(id);
        next[ordinal] = address(CounterArea.offset(id));
        carried = next;
        return true;
    }

    /**
     * Frees this scope's counters (its registry removed it): keeps the sums for later reads here, points every view at
     * the sink so that writers still holding one write nowhere, then frees the records for reuse after a delay.
     * Called once, under the registry's lock.
     */
    void free() {
        final long[] sums = new long[stats.length];
        for (final E s : stats) {
            if (s.kind() != StatKind.HISTOGRAM) {
                sums[s.ordinal()] = valueAt(s.ordinal());
            }
        }
        frozen = sums;
        final long sink = address(area.sinkOffset());
        for (final long[] writer : addresses) {
            Arrays.fill(writer, sink);
        }
        carried = null;
        for (final int id : ids) {
            area.free(id);
        }
        for (final int id : carriedIds) {
            area.free(id);
        }
        carriedIds.clear();
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
