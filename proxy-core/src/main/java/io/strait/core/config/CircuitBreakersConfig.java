package io.strait.core.config;

/**
 * Immutable. Key {@code circuit_breakers} of a cluster: Envoy's hard caps, shared by all event loops, on the
 * cluster's upstream connections, the requests waiting for a new connection, and the requests in flight.
 */
public record CircuitBreakersConfig(
        int maxConnections,
        int maxPendingRequests,
        int maxRequests) {

    /** Envoy's default for each limit. */
    public static final int DEFAULT_LIMIT = 1024;

    /** All three limits at their defaults. */
    public static final CircuitBreakersConfig DEFAULTS =
        new CircuitBreakersConfig(DEFAULT_LIMIT, DEFAULT_LIMIT, DEFAULT_LIMIT);
}
