package io.strait.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Immutable. Key {@code runtime}: event loops (0 = one per available processor), transport, drain timeout on
 * shutdown, the cap on downstream connections over all listeners ({@link #AUTO_MAX_CONNECTIONS}: half the
 * process's file-descriptor limit, so upstream connections always have descriptors left), and the stats file
 * ({@code stats_file}: null when the key is absent, {@link #NO_STATS_FILE}, or an absolute path).
 */
public record RuntimeConfig(
        int eventLoops,
        Transport transport,
        Duration drainTimeout,
        int maxConnections,
        String statsFile) {

    /** {@code max_connections: auto}: half of the process's RLIMIT_NOFILE soft limit, read at start. */
    public static final int AUTO_MAX_CONNECTIONS = 0;
    /** {@code stats_file: none}: counters stay in the process's memory, no other process can read them. */
    public static final String NO_STATS_FILE = "none";

    /** Runtime settings with {@code max_connections: auto} and no {@code stats_file} key. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout) {
        this(eventLoops, transport, drainTimeout, AUTO_MAX_CONNECTIONS);
    }

    /** Runtime settings with no {@code stats_file} key. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout,
                         final int maxConnections) {
        this(eventLoops, transport, drainTimeout, maxConnections, null);
    }

    /**
     * The stats file to map, or null to keep counters in memory: for {@code stats_file: none}, and when the key is
     * absent (the launcher, {@code strait run}, then chooses a default path; a server started from code, as in
     * tests, keeps them in memory).
     */
    public Path statsFilePath() {
        return statsFile == null || NO_STATS_FILE.equals(statsFile) ? null : Path.of(statsFile);
    }

    /** These settings with {@code stats_file} set to {@code file} (the launcher's default). */
    public RuntimeConfig withStatsFile(final String file) {
        return new RuntimeConfig(eventLoops, transport, drainTimeout, maxConnections, file);
    }
}
