package io.strait.core.stats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.EpochClock;

/**
 * Not thread-safe: used under the lock of its {@link StatsRegistry}. Where a registry's counters live: one {@link
 * CounterArea} in a stats file of fixed capacity, or areas of direct memory, either of fixed capacity or added as
 * needed (each one twice the last), so that a test or library registry costs little until it grows. Each scope's
 * counters come from one area, so a scope's writers index one buffer.
 */
final class CounterStore implements AutoCloseable {

    /** The first area of a growing in-memory store, in counters (80 KiB of direct memory). */
    static final int FIRST_GROWING_CAPACITY = 128;

    private final List<CounterArea> areas = new ArrayList<>();
    private final EpochClock clock;
    /** Null for a growing store. */
    private final Integer fixedCapacity;
    private final StatsFile file;
    /** Counter totals of a taken-over file, by full name, consumed as scopes claim them. */
    private final Map<String, Long> carried;

    private CounterStore(final EpochClock clock, final Integer fixedCapacity, final StatsFile file) {
        this.clock = clock;
        this.fixedCapacity = fixedCapacity;
        this.file = file;
        this.carried = file == null ? new HashMap<>() : new HashMap<>(file.carried());
        if (file != null) {
            areas.add(new CounterArea(file.metadata(), file.values(), clock));
        } else if (fixedCapacity != null) {
            areas.add(CounterArea.inMemory(fixedCapacity, clock));
        }
    }

    /** In direct memory, growing as scopes are added. */
    static CounterStore growing(final EpochClock clock) {
        return new CounterStore(clock, null, null);
    }

    /** In direct memory, at most {@code capacity} counters (one of them the sink). */
    static CounterStore fixed(final int capacity, final EpochClock clock) {
        if (capacity < 2) {
            throw new IllegalArgumentException("stats capacity must be >= 2 counters: " + capacity);
        }
        return new CounterStore(clock, capacity, null);
    }

    /** In the stats file at {@code path} ({@link StatsFile#open}). */
    static CounterStore file(final Path path, final int loops, final int capacity, final boolean continueCounters,
                             final EpochClock clock) throws IOException {
        return new CounterStore(clock, capacity, StatsFile.open(path, loops, capacity, continueCounters));
    }

    /** True when this store adds areas as scopes need them (in memory, no fixed capacity). */
    boolean growing() {
        return fixedCapacity == null;
    }

    /** The stats file, or null when counters live in memory. */
    Path path() {
        return file == null ? null : file.path();
    }

    /**
     * An area with room for {@code counters} more counters.
     *
     * @param what names the scope asking, for the error
     * @throws IllegalStateException if a fixed store is full
     */
    CounterArea areaFor(final int counters, final String what) {
        for (final CounterArea a : areas) {
            if (a.available() >= counters) {
                return a;
            }
        }
        if (fixedCapacity != null) {
            throw new IllegalStateException("stats capacity of " + fixedCapacity + " counters is full"
                + (file == null ? "" : " (stats file " + file.path() + ")") + ": " + what + " needs " + counters
                + " more; remove listeners or clusters, or use fewer event loops (each writes its own counters)");
        }
        final int last = areas.isEmpty() ? FIRST_GROWING_CAPACITY / 2 : areas.get(areas.size() - 1).capacity();
        final CounterArea grown = CounterArea.inMemory(Math.max(2 * last, counters + 1), clock);
        areas.add(grown);
        return grown;
    }

    /** The total a taken-over file had for the counter {@code name}, removed from what is left to claim; else 0. */
    long claimCarried(final String name) {
        final Long v = carried.remove(name);
        return v == null ? 0 : v;
    }

    /** Releases the stats file, if any (see {@link StatsFile#close}). */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
