package io.strait.core.stats;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stateless. Where stats files go by default: {@code /dev/shm/strait-<user>/stats-<id>} (tmpfs, so the counters
 * never touch a disk), or {@code <java.io.tmpdir>/strait-<user>/stats-<id>} where there is no {@code /dev/shm}. The
 * launcher picks the id ({@code strait run}: the admin port, else the first listener's port); {@code strait stat}
 * looks in the same directory.
 */
public final class StatsFiles {

    /** The prefix of every default stats file's name. */
    public static final String PREFIX = "stats-";

    private StatsFiles() {
    }

    /** The directory default stats files of this user go in. */
    public static Path defaultDirectory() {
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("strait-" + System.getProperty("user.name", "unknown").replace('/', '_'));
    }

    /**
     * The stats file in the default directory that process {@code pid} holds now (its header names it), or null: how
     * a process taking over finds the one it replaces, whatever that one was named. {@code own} (this process's file,
     * or null) is not opened: closing a reader of it here would drop this process's lock on it.
     */
    public static Path fileOf(final long pid, final Path own) {
        final Path dir = defaultDirectory();
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (final Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                && !p.getFileName().toString().contains(".tmp.") && (own == null
                    || !p.toAbsolutePath().equals(own.toAbsolutePath())))::iterator) {
                try (StatsFileReader r = StatsFileReader.open(f)) {
                    if (r.pid() == pid) {
                        return f;
                    }
                } catch (final java.io.IOException | RuntimeException e) {
                    // not a stats file, or going away: not the one
                }
            }
        } catch (final java.io.IOException e) {
            return null;
        }
        return null;
    }

    /** The default stats file of the Strait identified by {@code id} (e.g. its admin port). */
    public static Path defaultFile(final String id) {
        return defaultDirectory().resolve(PREFIX + id);
    }
}
