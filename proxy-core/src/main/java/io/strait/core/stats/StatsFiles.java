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

    /** The default stats file of the Strait identified by {@code id} (e.g. its admin port). */
    public static Path defaultFile(final String id) {
        return defaultDirectory().resolve(PREFIX + id);
    }
}
