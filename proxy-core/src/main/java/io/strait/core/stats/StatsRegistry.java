package io.strait.core.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe. Every stats scope of the process: scopes are made and removed off the event loops (at start-up and on
 * configuration changes); each loop writes only its own slots through {@link StatsScope#loop(int)}; any thread may
 * read, e.g. with {@link #forEach}.
 *
 * <pre>
 *   StatsRegistry registry = new StatsRegistry(loops);
 *   StatsScope&lt;HttpStat&gt; http = registry.scope("http.ingress.", HttpStat.class);
 *   LoopStats&lt;HttpStat&gt; mine = http.loop(loopIndex);        // once per loop, kept
 *   mine.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);                       // per request: a plain add and store
 *   mine.record(HttpStat.DOWNSTREAM_RQ_TIME, micros);
 *   http.value(HttpStat.DOWNSTREAM_RQ_TOTAL);                     // admin side: the sum over loops
 * </pre>
 */
public final class StatsRegistry {

    /** The unit of every histogram value. */
    public static final TimeUnit HISTOGRAM_UNIT = TimeUnit.MICROSECONDS;
    /** The largest value a histogram tells apart (one hour in microseconds); larger values are recorded as this. */
    public static final long HISTOGRAM_MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    /** Significant decimal digits histograms keep (2: values within 1%, ~27 KB of counts per histogram). */
    public static final int HISTOGRAM_DIGITS = 2;

    private static final Entry[] NO_ENTRIES = new Entry[0];

    private final int loops;
    /** Guarded by this. */
    private final Map<String, StatsScope<?>> scopes = new HashMap<>();
    /** Every stat of every scope, sorted by full name; replaced whole when scopes change. */
    private volatile Entry[] sorted = NO_ENTRIES;

    /**
     * A registry for {@code loops} event loops.
     *
     * @param loops the number of event loops, each of which gets its own slots in every scope; &gt;= 1
     */
    public StatsRegistry(final int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be >= 1: " + loops);
        }
        this.loops = loops;
    }

    /** The number of event loops this registry has slots for. */
    public int loops() {
        return loops;
    }

    /**
     * The scope of {@code stats} under {@code prefix}, made on first call; later calls with the same prefix return
     * the same scope (its values carry on).
     *
     * @param prefix e.g. {@code "http.ingress."} or {@code "cluster.api."}: ends with a dot
     * @throws IllegalArgumentException if the prefix does not end with a dot, or has a scope of another enum
     */
    public synchronized <E extends Enum<E> & StatDescriptor> StatsScope<E> scope(final String prefix,
                                                                             final Class<E> stats) {
        if (!prefix.endsWith(".")) {
            throw new IllegalArgumentException("a stats prefix ends with '.': " + prefix);
        }
        final StatsScope<?> existing = scopes.get(prefix);
        if (existing != null) {
            if (existing.statsType() != stats) {
                throw new IllegalArgumentException("prefix " + prefix + " already holds " + existing.statsType());
            }
            @SuppressWarnings("unchecked")
            final StatsScope<E> same = (StatsScope<E>) existing;
            return same;
        }
        final StatsScope<E> scope = new StatsScope<>(prefix, stats, loops);
        scopes.put(prefix, scope);
        rebuild();
        return scope;
    }

    /**
     * Forgets the scope under {@code prefix} (a listener or cluster was removed): it is no longer visited; loops still
     * holding its views write into it harmlessly until they drop them.
     *
     * @return true if there was such a scope
     */
    public synchronized boolean remove(final String prefix) {
        if (scopes.remove(prefix) == null) {
            return false;
        }
        rebuild();
        return true;
    }

    private void rebuild() {
        final List<Entry> all = new ArrayList<>();
        for (final StatsScope<?> s : scopes.values()) {
            for (final Enum<?> stat : s.stats()) {
                final StatDescriptor d = (StatDescriptor) stat;
                all.add(new Entry(s.prefix() + d.statName(), d.kind(), s, stat.ordinal()));
            }
        }
        all.sort(Comparator.comparing((final Entry e) -> e.name));
        sorted = all.toArray(NO_ENTRIES);
    }

    /**
     * Visits every stat of every scope in name order: counters and gauges summed over loops, histograms merged
     * over loops (a fresh copy each). Runs on the caller's thread; concurrent writes may or may not be included.
     */
    public void forEach(final StatVisitor visitor) {
        for (final Entry e : sorted) {
            switch (e.kind) {
                case COUNTER:
                    visitor.counter(e.name, e.scope.valueAt(e.ordinal));
                    break;
                case GAUGE:
                    visitor.gauge(e.name, e.scope.valueAt(e.ordinal));
                    break;
                default:
                    visitor.histogram(e.name, e.scope.histogramAt(e.ordinal));
                    break;
            }
        }
    }

    /** One stat of one scope, with its full name. Immutable. */
    private static final class Entry {
        final String name;
        final StatKind kind;
        final StatsScope<?> scope;
        final int ordinal;

        Entry(final String name, final StatKind kind, final StatsScope<?> scope, final int ordinal) {
            this.name = name;
            this.kind = kind;
            this.scope = scope;
            this.ordinal = ordinal;
        }
    }
}
