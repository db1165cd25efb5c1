package io.strait.core.stats;

import java.nio.charset.StandardCharsets;
import org.agrona.BufferUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * Not thread-safe: allocation and freeing are serialized by the owning {@link StatsRegistry}; writers touch only the
 * value slots of the counters they were given. One Agrona {@link CountersManager} over a metadata and a values
 * buffer (of a stats file or of direct memory): one counter per (stat, writer), each value in a 128-byte record of
 * its own, so no two writers share a cache line.
 *
 * <p>A counter's label is the stat's full Envoy name; its type id says counter or gauge; its key holds the writer
 * ({@link #CONTROL_WRITER} or the loop index) as an int. Every allocation gets a fresh registration id, which readers
 * compare before and after reading a record to notice one freed and reused under them. One extra record, the sink
 * ({@link #TYPE_SINK}, never reported), takes writes that must go nowhere: to a histogram through {@link
 * LoopStats#add}, or from views of a removed scope.
 */
final class CounterArea {

    /** Type id of a counter record: summed, and carried over when a stats file is taken over. */
    static final int TYPE_COUNTER = 1;
    /** Type id of a gauge record: summed, never carried over (it described the process that wrote it). */
    static final int TYPE_GAUGE = 2;
    /** Type id of the sink record: writes that must land somewhere harmless; readers skip it. */
    static final int TYPE_SINK = 3;
    /** The writer index in the key of the control writer's records (loops are 0..n-1). */
    static final int CONTROL_WRITER = -1;
    /** The writer key of a total carried over from a process this one took over (written once, then read only). */
    static final int CARRIED_WRITER = -2;
    /** Bytes of buffer per counter: the 128-byte value record and the 512-byte metadata record. */
    static final int BYTES_PER_COUNTER = CountersReader.COUNTER_LENGTH + CountersReader.METADATA_LENGTH;
    /** How long a freed record waits before reuse, so late writes from dropped views cannot reach its next owner. */
    static final long FREE_TO_REUSE_MILLIS = 5_000;

    private final CountersManager manager;
    private final UnsafeBuffer values;
    private final int sinkOffset;
    private long nextRegistrationId = 1;

    /**
     * @param metadata Agrona's metadata buffer, zeroed, 4x the values buffer
     * @param values   Agrona's values buffer, zeroed, a multiple of 128 bytes, 8-byte aligned
     */
    CounterArea(final UnsafeBuffer metadata, final UnsafeBuffer values, final EpochClock clock) {
        this.manager = new CountersManager(metadata, values, StandardCharsets.UTF_8, clock,
            FREE_TO_REUSE_MILLIS);
        this.values = values;
        this.sinkOffset = CountersReader.counterOffset(manager.allocate("strait.sink", TYPE_SINK));
    }

    /** An area over fresh direct memory for {@code capacity} counters (one of which is the sink). */
    static CounterArea inMemory(final int capacity, final EpochClock clock) {
        final int valuesLength = capacity * CountersReader.COUNTER_LENGTH;
        final UnsafeBuffer values = new UnsafeBuffer(BufferUtil.allocateDirectAligned(valuesLength,
            CountersReader.COUNTER_LENGTH));
        final UnsafeBuffer metadata = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacity * CountersReader.METADATA_LENGTH, CountersReader.COUNTER_LENGTH));
        return new CounterArea(metadata, values, clock);
    }

    /** The counters this area holds in all, the sink included. */
    int capacity() {
        return manager.capacity();
    }

    /** The counters that can be allocated now (freed ones count once their reuse delay is over). */
    int available() {
        return manager.available();
    }

    /** The buffer writers store values into. */
    UnsafeBuffer values() {
        return values;
    }

    /** The offset in {@link #values()} of the sink's value. */
    int sinkOffset() {
        return sinkOffset;
    }

    /**
     * Allocates the counter of one stat for one writer; returns its id.
     *
     * @throws IllegalStateException if the area is full (callers check {@link #available()} first)
     */
    int allocate(final String name, final StatKind kind, final int writer) {
        final int id = manager.allocate(name, kind == StatKind.GAUGE ? TYPE_GAUGE : TYPE_COUNTER,
            key -> key.putInt(0, writer));
        manager.setCounterRegistrationId(id, nextRegistrationId++);
        return id;
    }

    /** Sets a counter's value (before any writer has it: carried-over totals). */
    void set(final int id, final long value) {
        manager.setCounterValue(id, value);
    }

    /** Frees a counter for reuse after {@link #FREE_TO_REUSE_MILLIS}. */
    void free(final int id) {
        manager.free(id);
    }

    /** The offset of a counter's value in {@link #values()}. */
    static int offset(final int id) {
        return CountersReader.counterOffset(id);
    }
}
