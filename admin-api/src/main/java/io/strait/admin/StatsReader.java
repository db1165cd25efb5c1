package io.strait.admin;

import io.strait.core.stats.StatVisitor;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Confined to the admin thread. Reads the target's stats into {@link StatsSnapshot}s, and keeps the two things the
 * admin adds to them:
 * <ul>
 *   <li>The counter baseline of {@code POST /reset_counters}: the value of each counter when it was asked, subtracted
 *       from later reads (the loops' own counters are never written by another thread). Gauges and histograms are
 *       not reset, as in Envoy.</li>
 *   <li>Histogram intervals: {@link #roll()} runs once per interval period on the admin thread (every second by
 *       default) and keeps, per histogram, what was recorded since the previous roll; the {@code interval} values of
 *       {@code /stats} are that last completed period's, the same for every reader.</li>
 * </ul>
 */
final class StatsReader {

    private final AdminTarget target;
    /** Counter name to its value at the last reset. */
    private final Map<String, Long> baseline = new HashMap<>();
    /** Histogram name to its cumulative histogram at the last roll. */
    private final Map<String, Histogram> lastCumulative = new HashMap<>();
    /** Histogram name to what was recorded between the last two rolls. */
    private final Map<String, Histogram> lastInterval = new HashMap<>();

    StatsReader(final AdminTarget target) {
        this.target = target;
    }

    /** Every stat now. */
    StatsSnapshot read() {
        final List<StatsSnapshot.Scalar> scalars = new ArrayList<>();
        final List<StatsSnapshot.HistogramStat> histograms = new ArrayList<>();
        target.forEachStat(new StatVisitor() {
            @Override
            public void counter(final String name, final long value) {
                scalars.add(new StatsSnapshot.Scalar(name, true, sinceReset(name, value)));
            }

            @Override
            public void gauge(final String name, final long value) {
                scalars.add(new StatsSnapshot.Scalar(name, false, value));
            }

            @Override
            public void histogram(final String name, final Histogram histogram) {
                histograms.add(new StatsSnapshot.HistogramStat(name, lastInterval.get(name), histogram));
            }
        });
        return new StatsSnapshot(scalars, histograms);
    }

    private long sinceReset(final String name, final long value) {
        final Long base = baseline.get(name);
        // A scope made anew (a cluster removed and added again) starts below its old baseline: show it as it is.
        return base == null || value < base ? value : value - base;
    }

    /** {@code POST /reset_counters}: every counter reads 0 from now on, and counts up from there. */
    void resetCounters() {
        target.forEachStat(new StatVisitor() {
            @Override
            public void counter(final String name, final long value) {
                baseline.put(name, value);
            }

            @Override
            public void gauge(final String name, final long value) {
            }

            @Override
            public void histogram(final String name, final Histogram histogram) {
            }
        });
    }

    /** Ends the current histogram interval: what each histogram recorded since the last roll becomes its interval. */
    void roll() {
        final Map<String, Histogram> seen = new HashMap<>();
        target.forEachStat(new StatVisitor() {
            @Override
            public void counter(final String name, final long value) {
            }

            @Override
            public void gauge(final String name, final long value) {
            }

            @Override
            public void histogram(final String name, final Histogram cumulative) {
                seen.put(name, cumulative);
                lastInterval.put(name, difference(cumulative, lastCumulative.get(name), lastInterval.get(name)));
            }
        });
        lastCumulative.clear();
        lastCumulative.putAll(seen);
        lastInterval.keySet().retainAll(seen.keySet());
    }

    /**
     * What {@code now} recorded since {@code before}, written into {@code previous} (the last interval's histogram,
     * which nothing reads once the roll replaces it: snapshots are rendered on this thread before the next roll)
     * rather than into a new copy: the roll runs every second even when idle, and each copy is tens of KiB.
     */
    private static Histogram difference(final Histogram now, final Histogram before, final Histogram previous) {
        final boolean reusable = previous != null && sameShape(previous, now);
        if (reusable && before != null && sameShape(before, now) && now.getTotalCount() == before.getTotalCount()) {
            previous.reset();   // nothing recorded since: no copy, no subtraction
            return previous;
        }
        final Histogram interval;
        if (reusable) {
            now.copyInto(previous);
            interval = previous;
        } else {
            interval = now.copy();
        }
        if (before != null) {
            try {
                interval.subtract(before);
            } catch (final IllegalArgumentException e) {
                // The histogram was made anew since (fewer counts than before): all it holds is this interval's.
                now.copyInto(interval);
            }
        }
        return interval;
    }

    private static boolean sameShape(final Histogram a, final Histogram b) {
        return a.getLowestDiscernibleValue() == b.getLowestDiscernibleValue()
            && a.getHighestTrackableValue() == b.getHighestTrackableValue()
            && a.getNumberOfSignificantValueDigits() == b.getNumberOfSignificantValueDigits();
    }
}
