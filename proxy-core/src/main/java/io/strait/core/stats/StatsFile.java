package io.strait.core.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Thread-safe (made once, closed once). The writer's side of a stats file ({@link StatsFileLayout}): made with its
 * header, mapped read-write, and held for the life of the registry with an exclusive lock ({@code fcntl}, released by
 * the kernel when the process dies), which is how a second Strait on the same path knows to refuse.
 *
 * <p>Opening a path that holds a stats file of a process that is gone (or that {@link #close() released} it) takes it
 * over: the new file replaces the old one by an atomic rename, so readers that still map the old file see it whole
 * until they reopen. Counters start from zero, as after Envoy's cold restart; asked to continue them (a hot restart),
 * the counters (not gauges) of the old file are summed by name and {@link #carried() handed} to the registry, which
 * starts each same-named counter from that total.
 */
final class StatsFile implements AutoCloseable {

    private static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);

    private final Path path;
    private final FileChannel channel;
    /** The file this one replaced, kept locked so that no process that opened it before the rename takes it over. */
    private final FileChannel previous;
    private final UnsafeBuffer header;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;
    private final Map<String, Long> carried;

    private StatsFile(final Path path, final FileChannel channel, final FileChannel previous,
                      final MappedByteBuffer map, final int capacity, final Map<String, Long> carried) {
        this.path = path;
        this.channel = channel;
        this.previous = previous;
        final int metadataLength = capacity * CountersReader.METADATA_LENGTH;
        this.header = new UnsafeBuffer(map, 0, StatsFileLayout.HEADER_LENGTH);
        this.metadata = new UnsafeBuffer(map, StatsFileLayout.HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(map, StatsFileLayout.HEADER_LENGTH + metadataLength,
            capacity * CountersReader.COUNTER_LENGTH);
        this.carried = carried;
    }

    /**
     * Creates the stats file at {@code path} for {@code capacity} counters, taking over a file a finished process left
     * there.
     *
     * @throws IllegalStateException if a live process (this one included) holds the file, or a file that is not a
     *                               stats file is in the way, or the file system has too little space
     * @throws IOException           if the file cannot be made or mapped
     */
    static StatsFile open(final Path path, final int loops, final int capacity, final boolean continueCounters)
        throws IOException {
        if (capacity < 2 || capacity > StatsFileLayout.MAX_CAPACITY) {
            throw new IllegalArgumentException("stats file capacity must be in [2, " + StatsFileLayout.MAX_CAPACITY
                + "] counters: " + capacity);
        }
        final Path file = path.toAbsolutePath();
        final Path dir = file.getParent();
        Files.createDirectories(dir, ownerOnly("rwx------"));
        final int length = StatsFileLayout.fileLength(capacity);
        checkSpace(file, dir, length);
        FileChannel previous = null;
        Map<String, Long> carried = Map.of();
        if (Files.exists(file)) {
            previous = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                final Map<String, Long> old = claim(file, previous);
                carried = continueCounters ? old : Map.of();
            } catch (final IOException | RuntimeException e) {
                previous.close();
                throw e;
            }
        }
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp." + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(tmp, CREATE, ownerOnly("rw-------"));
            if (channel.tryLock() == null) {
                throw new IllegalStateException("cannot lock new stats file " + tmp);
            }
            // Sized by writing its last byte: on tmpfs the rest stays unallocated until a counter is written.
            channel.write(ByteBuffer.wrap(new byte[1]), length - 1L);
            final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            final StatsFile stats = new StatsFile(file, channel, previous, map, capacity, carried);
            stats.writeHeader(loops, capacity);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return stats;
        } catch (final IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            if (previous != null) {
                previous.close();
            }
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Locks the file at {@code file} (open as {@code old}) and returns its counters' totals by name, or refuses it.
     */
    private static Map<String, Long> claim(final Path file, final FileChannel old) throws IOException {
        final long size = old.size();
        final UnsafeBuffer view = size == 0 ? new UnsafeBuffer(new byte[0])
            : new UnsafeBuffer(old.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE)));
        final FileLock lock;
        try {
            lock = old.tryLock();
        } catch (final OverlappingFileLockException e) {
            throw new IllegalStateException("stats file " + file + " is already open in this process "
                + "(pid " + ProcessHandle.current().pid() + "): give each Strait its own runtime.stats_file");
        }
        final long pid = size >= StatsFileLayout.HEADER_LENGTH ? view.getLongVolatile(StatsFileLayout.PID_OFFSET) : 0;
        final long started = size >= StatsFileLayout.HEADER_LENGTH
            ? view.getLong(StatsFileLayout.PROCESS_START_OFFSET) : 0;
        if (lock == null || pid != ProcessHandle.current().pid() && isAlive(pid, started)) {
            throw new IllegalStateException("stats file " + file + " is in use by " + (pid > 0 ? "process " + pid
                : "another process") + ": give each Strait its own runtime.stats_file, or stop that process first");
        }
        if (size == 0) {
            return Map.of();
        }
        final String problem = StatsFileLayout.problem(view, size);
        if (problem != null) {
            if (size >= StatsFileLayout.HEADER_LENGTH && view.getLongVolatile(StatsFileLayout.MAGIC_OFFSET) == 0) {
                // A whole-sized file whose header was never finished: nothing to carry over.
                return Map.of();
            }
            throw new IllegalStateException("will not replace " + file + ": " + problem);
        }
        final int metadataLength = view.getInt(StatsFileLayout.METADATA_LENGTH_OFFSET);
        final CountersReader reader = new CountersReader(
            new UnsafeBuffer(view, StatsFileLayout.HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(view, StatsFileLayout.HEADER_LENGTH + metadataLength,
                view.getInt(StatsFileLayout.VALUES_LENGTH_OFFSET)));
        return StatsFileLayout.sum(reader, true);
    }

    /**
     * Whether process {@code pid} runs and is the one that started at {@code startedMillis} (a pid the kernel gave to
     * a newer process does not count); true when the start time cannot be told.
     */
    static boolean isAlive(final long pid, final long startedMillis) {
        if (pid <= 0) {
            return false;
        }
        final Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        final Optional<Instant> start = p.get().info().startInstant();
        return start.isEmpty() || startedMillis == 0 || Math.abs(start.get().toEpochMilli() - startedMillis) < 1_000;
    }

    private static void checkSpace(final Path file, final Path dir, final long length) throws IOException {
        final FileStore store = Files.getFileStore(dir);
        final long usable = store.getUsableSpace();
        if (usable < length) {
            throw new IllegalStateException("stats file " + file + " needs " + length + " bytes but " + dir + " has "
                + usable + " free: free space there, or choose another runtime.stats_file");
        }
    }

    /** Permissions for the owner only (the file names listeners and clusters), where the file system has them. */
    private static FileAttribute<?>[] ownerOnly(final String permissions) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
            permissions))};
    }

    private void writeHeader(final int loops, final int capacity) {
        header.putInt(StatsFileLayout.VERSION_OFFSET, StatsFileLayout.VERSION);
        header.putInt(StatsFileLayout.LOOPS_OFFSET, loops);
        header.putInt(StatsFileLayout.METADATA_LENGTH_OFFSET, capacity * CountersReader.METADATA_LENGTH);
        header.putInt(StatsFileLayout.VALUES_LENGTH_OFFSET, capacity * CountersReader.COUNTER_LENGTH);
        final ProcessHandle self = ProcessHandle.current();
        header.putLong(StatsFileLayout.PID_OFFSET, self.pid());
        header.putLong(StatsFileLayout.PROCESS_START_OFFSET,
            self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
        header.putLong(StatsFileLayout.OPENED_OFFSET, System.currentTimeMillis());
        header.putLongRelease(StatsFileLayout.MAGIC_OFFSET, StatsFileLayout.MAGIC);
    }

    /** The file's absolute path. */
    Path path() {
        return path;
    }

    /** Agrona's metadata buffer in the file. */
    UnsafeBuffer metadata() {
        return metadata;
    }

    /** Agrona's values buffer in the file. */
    UnsafeBuffer values() {
        return values;
    }

    /** The counter totals of the file this one replaced, by full name (empty if none). */
    Map<String, Long> carried() {
        return carried;
    }

    /**
     * Marks the file released (pid 0) and drops the locks, so another process may take it over; the mapping stays
     * (writers that still hold views keep writing into it harmlessly) until it is garbage collected.
     */
    @Override
    public void close() throws IOException {
        header.putLongRelease(StatsFileLayout.PID_OFFSET, 0);
        try {
            channel.close();
        } finally {
            if (previous != null) {
                previous.close();
            }
        }
    }
}
