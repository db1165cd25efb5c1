package io.strait.core.stats;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Not thread-safe: one reading thread. A stats file ({@link StatsFileLayout}) mapped read-only, as {@code strait stat}
 * reads it from another process while Strait writes it: every read sums the current values of each name over its
 * writers. Counters allocated or freed during a read are tolerated (a record counts only if it was allocated, and the
 * same allocation, before and after its label and value were read).
 *
 * <pre>
 *   try (StatsFileReader r = StatsFileReader.open(path)) {
 *       r.values().forEach((name, value) -&gt; System.out.println(name + ": " + value));
 *   }
 * </pre>
 *
 * <p>A Strait that takes the file over from a finished one replaces it by a rename: this mapping keeps showing the old
 * file; {@link #replaced()} says when to open the path again.
 */
public final class StatsFileReader implements AutoCloseable {

    private final Path path;
    private final Object fileKey;
    private final UnsafeBuffer header;
    private final CountersReader counters;

    private StatsFileReader(final Path path, final Object fileKey, final MappedByteBuffer map) {
        this.path = path;
        this.fileKey = fileKey;
        this.header = new UnsafeBuffer(map, 0, StatsFileLayout.HEADER_LENGTH);
        final int metadataLength = header.getInt(StatsFileLayout.METADATA_LENGTH_OFFSET);
        this.counters = new CountersReader(
            new UnsafeBuffer(map, StatsFileLayout.HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(map, StatsFileLayout.HEADER_LENGTH + metadataLength,
                header.getInt(StatsFileLayout.VALUES_LENGTH_OFFSET)));
    }

    /**
     * Maps the stats file at {@code path} read-only.
     *
     * @throws NoSuchFileException if there is no file there
     * @throws IOException         if it cannot be read, or is not a stats file of this layout (the message says why)
     */
    public static StatsFileReader open(final Path path) throws IOException {
        final Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + ": not a Strait stats file (" + size + " bytes, more than one can be)");
            }
            final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            final String problem = StatsFileLayout.problem(new UnsafeBuffer(map), size);
            if (problem != null) {
                throw new IOException(path + ": " + problem);
            }
            return new StatsFileReader(path, key, map);
        }
    }

    /** The file this reader mapped. */
    public Path path() {
        return path;
    }

    /** The process that writes the file, or 0 if it released it (it stopped, or handed it over). */
    public long pid() {
        return header.getLongVolatile(StatsFileLayout.PID_OFFSET);
    }

    /** Whether the writing process still runs. */
    public boolean writerAlive() {
        return StatsFile.isAlive(pid(), header.getLong(StatsFileLayout.PROCESS_START_OFFSET));
    }

    /** When the writer made the file, in epoch milliseconds. */
    public long openedMillis() {
        return header.getLong(StatsFileLayout.OPENED_OFFSET);
    }

    /** The writer's event loops. */
    public int eventLoops() {
        return header.getInt(StatsFileLayout.LOOPS_OFFSET);
    }

    /** The counters the file can hold. */
    public int capacity() {
        return counters.maxCounterId() + 1;
    }

    /**
     * Every counter and gauge now, summed over its writers, by full Envoy name in name order (a fresh sorted map).
     */
    public Map<String, Long> values() {
        return StatsFileLayout.sum(counters, false);
    }

    /** Whether the path now names another file (a new Strait took it over) or none: then open it again. */
    public boolean replaced() {
        try {
            return !Objects.equals(fileKey, Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (final IOException e) {
            return true;
        }
    }

    /** Nothing to release: the mapping goes when this reader is collected. */
    @Override
    public void close() {
    }
}
