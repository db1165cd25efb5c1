package io.strait.core.config;

/**
 * Immutable. Key {@code circuit_breakers.retry_budget} of a cluster, Envoy's retry budget: the retries in flight may
 * be at most {@code max(minRetryConcurrency, budgetPercent% x (requests in flight + requests pending))}. When set it
 * replaces {@code max_retries}.
 *
 * @param budgetPercent       0..100
 * @param minRetryConcurrency &gt;= 0
 */
public record RetryBudgetConfig(double budgetPercent, int minRetryConcurrency) {

    /** Envoy's default budget percentage. */
    public static final double DEFAULT_BUDGET_PERCENT = 20.0;
    /** Envoy's default floor. */
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;
}
