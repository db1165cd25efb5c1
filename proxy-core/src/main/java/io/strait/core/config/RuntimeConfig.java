package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code runtime}: event loops (0 = one per available processor), transport, drain timeout on
 * shutdown, and the cap on downstream connections over all listeners ({@link #AUTO_MAX_CONNECTIONS}: half the
 * process's file-descriptor limit, so upstream connections always have descriptors left).
 */
public record RuntimeConfig(
        int eventLoops,
        Transport transport,
        Duration drainTimeout,
        int maxConnections) {

    /** {@code max_connections: auto}: half of the process's RLIMIT_NOFILE soft limit, read at start. */
    public static final int AUTO_MAX_CONNECTIONS = 0;

    /** Runtime settings with {@code max_connections: auto}. */
    public RuntimeConfig(final int eventLoops, final Transport transport, final Duration drainTimeout) {
        this(eventLoops, transport, drainTimeout, AUTO_MAX_CONNECTIONS);
    }
}
