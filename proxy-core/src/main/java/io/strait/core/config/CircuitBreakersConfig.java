package io.strait.core.config;

/**
 * Immutable. Key {@code circuit_breakers} of a cluster: Envoy's hard caps, shared by all event loops, on the
 * cluster's upstream connections, the requests waiting for a new connection, the requests in flight and the retries
 * in flight ({@code maxRetries}, or {@code retryBudget} when it is non-null: it then replaces max_retries).
 */
public record CircuitBreakersConfig(
        int maxConnections,
        int maxPendingRequests,
        int maxRequests,
        int maxRetries,
        RetryBudgetConfig retryBudget) {

    /** Envoy's default for each limit but max_retries. */
    public static final int DEFAULT_LIMIT = 1024;
    /** Envoy's default max_retries. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    /** All limits at their defaults, no retry budget. */
    public static final CircuitBreakersConfig DEFAULTS =
        new CircuitBreakersConfig(DEFAULT_LIMIT, DEFAULT_LIMIT, DEFAULT_LIMIT);

    /** The three limits given, max_retries at its default, no retry budget (the record's earlier form). */
    public CircuitBreakersConfig(final int maxConnections, final int maxPendingRequests, final int maxRequests) {
        this(maxConnections, maxPendingRequests, maxRequests, DEFAULT_MAX_RETRIES, null);
    }
}
