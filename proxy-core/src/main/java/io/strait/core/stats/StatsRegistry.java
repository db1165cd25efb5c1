package io.strait.core.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

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
 *
 * <p>Counters and gauges live in Agrona counters ({@link CounterStore}): in direct memory ({@code new
 * StatsRegistry(loops)}, for tests and library use: any number of registries in one JVM, each its own), or in a stats
 * file ({@link #open(int, Path)}) that other processes read live with {@link StatsFileReader} ({@code strait stat}).
 * Removing a scope frees its counters for reuse. Histograms stay in this process.
 */
public final class StatsRegistry implements AutoCloseable {

    /** The unit of every histogram value. */
    public static final TimeUnit HISTOGRAM_UNIT = TimeUnit.MICROSECONDS;
    /** The largest value a histogram tells apart (one hour in microseconds); larger values are recorded as this. */
    public static final long HISTOGRAM_MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    /** Significant decimal digits histograms keep (2: values within 1%, ~27 KB of counts per histogram). */
    public static final int HISTOGRAM_DIGITS = 2;

    /** A stats file's default capacity per writer (each event loop and the control writer): 4096 counters. */
    public static final int DEFAULT_COUNTERS_PER_WRITER = 4096;

    private static final Entry[] NO_ENTRIES = new Entry[0];

    private final int loops;
    /** Guarded by this. */
    private final CounterStore store;
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
        this(checkLoops(loops), CounterStore.growing(SystemEpochClock.INSTANCE));
    }

    /** A registry for {@code loops} event loops whose counters live in {@code store} (tests choose the clock). */
    StatsRegistry(final int loops, final CounterStore store) {
        this.loops = checkLoops(loops);
        this.store = store;
    }

    private static int checkLoops(final int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be >= 1: " + loops);
        }
        return loops;
    }

    /**
     * A registry for {@code loops} event loops with its counters in the stats file {@code file} (of {@link
     * #defaultCapacity(int)} counters), or in memory (as {@link #StatsRegistry(int)}) if {@code file} is null.
     *
     * @throws IllegalStateException if another live process (or another registry here) has the file
     * @throws UncheckedIOException  if the file cannot be created or mapped
     * @see #open(int, Path, int)
     */
    public static StatsRegistry open(final int loops, final Path file) {
        return file == null ? new StatsRegistry(loops) : open(loops, file, defaultCapacity(checkLoops(loops)));
    }

    /**
     * A registry for {@code loops} event loops with at most {@code capacity} counters (one per stat and writer, plus
     * one), in the stats file {@code file}, or in direct memory if {@code file} is null. A file left by a process that
     * has exited (or released it) is taken over, its counters starting from zero.
     *
     * @throws IllegalStateException if another live process (or another registry here) has the file, or a file in
     *                               the way is not a stats file
     * @throws UncheckedIOException  if the file cannot be created or mapped
     */
    public static StatsRegistry open(final int loops, final Path file, final int capacity) {
        return open(loops, file, capacity, false, SystemEpochClock.INSTANCE);
    }

    /**
     * {@link #open(int, Path, int)}, but when a file is taken over its counters (not gauges) carry on from their totals
     * there, each summed over the old writers into the new control writer's record: for a hot restart, where the new
     * process continues the old one's counters.
     */
    public static StatsRegistry openContinuing(final int loops, final Path file, final int capacity) {
        return open(loops, file, capacity, true, SystemEpochClock.INSTANCE);
    }

    static StatsRegistry open(final int loops, final Path file, final int capacity, final boolean continueCounters,
                              final EpochClock clock) {
        checkLoops(loops);
        if (file == null) {
            return new StatsRegistry(loops, CounterStore.fixed(capacity, clock));
        }
        try {
            return new StatsRegistry(loops, CounterStore.file(file, loops, capacity, continueCounters, clock));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create stats file " + file + ": " + e, e);
        }
    }

    /**
     * The capacity {@link #open(int, Path)} gives a stats file: {@link #DEFAULT_COUNTERS_PER_WRITER} for each of the
     * {@code loops + 1} writers (e.g. 12,288 counters, a 7.5 MiB file, for 2 loops; tmpfs keeps only the pages
     * written).
     */
    public static int defaultCapacity(final int loops) {
        return (int) Math.min(StatsFileLayout.MAX_CAPACITY, (long) DEFAULT_COUNTERS_PER_WRITER * (loops + 1));
    }

    /** The stats file the counters live in, or null if they live in this process's memory only. */
    public synchronized Path file() {
        return store.path();
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
     * @throws IllegalArgumentException if the prefix does not end with a dot, or has a scope of another enum, or a
     *                                  name is too long for a counter label (380 bytes)
     * @throws IllegalStateException    if the counters are full (a stats file has a fixed capacity)
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
        final StatsScope<E> scope = new StatsScope<>(prefix, stats, loops, store);
        scopes.put(prefix, scope);
        rebuild();
        return scope;
    }

    /**
     * Forgets the scope under {@code prefix} (a listener or cluster was removed) and frees its counters for reuse: it
     * is no longer visited; its own {@code value} reads give the sums at removal; loops still holding its views write
     * harmlessly to a sink until they drop them.
     *
     * @return true if there was such a scope
     */
    public synchronized boolean remove(final String prefix) {
        final StatsScope<?> removed = scopes.remove(prefix);
        if (removed == null) {
            return false;
        }
        rebuild();
        removed.free();
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

    /**
     * Carries over the counters of a process this one replaced (a hot restart), once it is gone: each counter of a
     * scope that exists now and appears in {@code totals} (full name to total, e.g. a {@link StatsFileReader}'s
     * {@link StatsFileReader#values}) goes on from that total. Gauges and names with no scope here are ignored.
     *
     * @return how many counters were carried
     */
    public synchronized int carry(final Map<String, Long> totals) {
        int n = 0;
        for (final Entry e : sorted) {
            if (e.kind == StatKind.COUNTER) {
                final Long total = totals.get(e.name);
                if (total != null && e.scope.carry(e.ordinal, total)) {
                    n++;
                }
            }
        }
        return n;
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

    /**
     * Releases the stats file, if any, for another process to take over (its header's pid becomes 0). The mapping
     * stays until collected, so loops still writing are harmless; call it after the loops stopped.
     */
    @Override
    public synchronized void close() {
        try {
            store.close();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot release stats file " + store.path() + ": " + e, e);
        }
    }
}
