package io.strait.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Immutable. Key {@code runtime}: event loops (0 = one per available processor), transport, drain timeout on
 * shutdown, the cap on downstream connections over all listeners ({@link #AUTO_MAX_CONNECTIONS}: half the
 * process's file-descriptor limit, so upstream connections always have descriptors left), the stats file
 * ({@code stats_file}: null when the key is absent, {@link #NO_STATS_FILE}, or an absolute path), and the hot restart
 * control socket ({@code hot_restart_socket}: null when the key is absent, {@link #NO_HOT_RESTART_SOCKET}, or an
 * absolute path), the profile whose defaults filled in what the config left out ({@link RuntimeProfile}), the
 * start-up warm-up ({@link WarmupConfig}), and the event loops' batch wait ({@code batch_wait}: {@link Duration#ZERO}
 * = off; see {@code io.strait.core.transport.BatchingIoHandler}).
 */
public record RuntimeConfig(
        int eventLoops,
        Transport transport,
        Duration drainTimeout,
        int maxConnections,
        String statsFile,
        String hotRestartSocket,
        RuntimeProfile profile,
        WarmupConfig warmup,
        Duration batchWait) {

    /** {@code max_connections: auto}: half of the process's RLIMIT_NOFILE soft limit, read at start. */
    public static final int AUTO_MAX_CONNECTIONS = 0;
    /** {@code stats_file: none}: counters stay in the process's memory, no other process can read them. */
    public static final String NO_STATS_FILE = "none";
    /** {@code hot_restart_socket: none}: no control socket; this process cannot be taken over. */
    public static final String NO_HOT_RESTART_SOCKET = "none";
    /** The longest socket path Linux takes ({@code sun_path} is 108 bytes with its terminating NUL). */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    /** The longest {@code batch_wait}: each hop of a request may wait this long at low load. */
    public static final Duration MAX_BATCH_WAIT = Duration.ofMillis(1);

    /** A null {@code warmup} is the default: none; a null {@code batchWait} is off. */
    public RuntimeConfig {
        if (warmup == null) {
            warmup = WarmupConfig.OFF;
        }
        if (batchWait == null) {
            batchWait = Duration.ZERO;
        }
    }

    /** Runtime settings without a batch wait (the default). */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout,
                         final int maxConnections, final String statsFile, final String hotRestartSocket,
                         final RuntimeProfile profile, final WarmupConfig warmup) {
        this(eventLoops, transport, drainTimeout, maxConnections, statsFile, hotRestartSocket, profile, warmup, null);
    }

    /** Runtime settings without a warm-up (the default). */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout,
                         final int maxConnections, final String statsFile, final String hotRestartSocket,
                         final RuntimeProfile profile) {
        this(eventLoops, transport, drainTimeout, maxConnections, statsFile, hotRestartSocket, profile, null);
    }

    /** Runtime settings with {@code max_connections: auto} and no {@code stats_file} key. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout) {
        this(eventLoops, transport, drainTimeout, AUTO_MAX_CONNECTIONS);
    }

    /** Runtime settings with no {@code stats_file} or {@code hot_restart_socket} key. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout,
                         final int maxConnections) {
        this(eventLoops, transport, drainTimeout, maxConnections, null);
    }

    /** Runtime settings with no {@code hot_restart_socket} key. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout,
                         final int maxConnections, final String statsFile) {
        this(eventLoops, transport, drainTimeout, maxConnections, statsFile, null);
    }

    /** Runtime settings of the default profile. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout,
                         final int maxConnections, final String statsFile, final String hotRestartSocket) {
        this(eventLoops, transport, drainTimeout, maxConnections, statsFile, hotRestartSocket, RuntimeProfile.DEFAULT);
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
        return new RuntimeConfig(eventLoops, transport, drainTimeout, maxConnections, file, hotRestartSocket,
            profile, warmup, batchWait);
    }

    /** These settings with the warm-up {@code w}. */
    public RuntimeConfig withWarmup(final WarmupConfig w) {
        return new RuntimeConfig(eventLoops, transport, drainTimeout, maxConnections, statsFile, hotRestartSocket,
            profile, w, batchWait);
    }

    /**
     * The configured control socket: null when the key is absent (the launcher then picks its default) or
     * {@code none}; use {@link #hotRestartDisabled()} to tell the two apart.
     */
    public Path hotRestartSocketPath() {
        return hotRestartSocket == null || hotRestartDisabled() ? null : Path.of(hotRestartSocket);
    }

    /** True for {@code hot_restart_socket: none}. */
    public boolean hotRestartDisabled() {
        return NO_HOT_RESTART_SOCKET.equals(hotRestartSocket);
    }
}
