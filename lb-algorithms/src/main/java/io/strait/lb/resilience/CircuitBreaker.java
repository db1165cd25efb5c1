package io.strait.lb.resilience;

/**
 * The circuit breakers of one cluster, with Envoy's semantics: hard caps on the upstream connections, the
 * requests waiting for a connection, the requests in flight and the retries in flight. Thread-safe: shared by all
 * event loops of the cluster; every operation is one atomic add on a padded counter (two when an acquire is refused),
 * no lock.
 *
 * <p>Retries are capped either by {@code max_retries} (a fixed number) or, when a retry budget is set (it then
 * replaces {@code max_retries}, as in Envoy), by {@code max(min_retry_concurrency, budget_percent% x (requests in
 * flight + requests pending))}, read at the moment of the acquire.
 *
 * <p>Each {@code tryAcquireX()} that returns true must be matched by exactly one {@code releaseX()}.
 */
public final class CircuitBreaker {

    /** Envoy's default for every limit. */
    public static final int DEFAULT_LIMIT = 1024;
    /** Envoy's default max_retries. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    private final PaddedCounter connections;
    private final PaddedCounter pending;
    private final PaddedCounter requests;
    private final PaddedCounter retries;
    /** True when the retry budget (not max_retries) caps the retries. */
    private final boolean budget;
    /** The budget as a fraction of the active requests (budget_percent / 100). */
    private final double budgetFraction;
    private final int minRetryConcurrency;

    /**
     * A breaker.
     *
     * @param maxConnections     the most upstream connections open (or opening) at once, &gt;= 1
     * @param maxPendingRequests the most requests waiting for a new upstream connection at once, &gt;= 1
     * @param maxRequests        the most requests in flight at once, &gt;= 1
     */
    public CircuitBreaker(final int maxConnections, final int maxPendingRequests, final int maxRequests) {
        this(maxConnections, maxPendingRequests, maxRequests, DEFAULT_MAX_RETRIES);
    }

    /**
     * A breaker whose retries are capped by a fixed number.
     *
     * @param maxConnections     the most upstream connections open (or opening) at once, &gt;= 1
     * @param maxPendingRequests the most requests waiting for a new upstream connection at once, &gt;= 1
     * @param maxRequests        the most requests in flight at once, &gt;= 1
     * @param maxRetries         the most retries in flight at once, &gt;= 0 (0: no retry is ever admitted)
     */
    public CircuitBreaker(final int maxConnections, final int maxPendingRequests, final int maxRequests,
                          final int maxRetries) {
        this(maxConnections, maxPendingRequests, maxRequests, maxRetries, false, 0, 0);
    }

    private CircuitBreaker(final int maxConnections, final int maxPendingRequests, final int maxRequests,
                           final int maxRetries, final boolean budget, final double budgetPercent,
                           final int minRetryConcurrency) {
        check("maxConnections", maxConnections);
        check("maxPendingRequests", maxPendingRequests);
        check("maxRequests", maxRequests);
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
        }
        if (!(budgetPercent >= 0 && budgetPercent <= 100)) {
            throw new IllegalArgumentException("budgetPercent must be in 0..100: " + budgetPercent);
        }
        if (minRetryConcurrency < 0) {
            throw new IllegalArgumentException("minRetryConcurrency must be >= 0: " + minRetryConcurrency);
        }
        this.connections = new PaddedCounter(maxConnections);
        this.pending = new PaddedCounter(maxPendingRequests);
        this.requests = new PaddedCounter(maxRequests);
        this.retries = new PaddedCounter(maxRetries);
        this.budget = budget;
        this.budgetFraction = budgetPercent / 100.0;
        this.minRetryConcurrency = minRetryConcurrency;
    }

    /**
     * A breaker whose retries are capped by a retry budget instead of max_retries: at most
     * {@code max(minRetryConcurrency, budgetPercent% x (requests in flight + requests pending))} retries at once.
     *
     * @param budgetPercent       0..100 (Envoy's default: 20)
     * @param minRetryConcurrency the retries always allowed whatever the traffic, &gt;= 0 (Envoy's default: 3)
     */
    public static CircuitBreaker withRetryBudget(final int maxConnections, final int maxPendingRequests,
                                                 final int maxRequests, final double budgetPercent,
                                                 final int minRetryConcurrency) {
        return new CircuitBreaker(maxConnections, maxPendingRequests, maxRequests, 0, true, budgetPercent,
            minRetryConcurrency);
    }

    /** A breaker with Envoy's defaults (1024 each). */
    public static CircuitBreaker defaults() {
        return new CircuitBreaker(DEFAULT_LIMIT, DEFAULT_LIMIT, DEFAULT_LIMIT);
    }

    private static void check(final String name, final int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + limit);
        }
    }

    /**
     * Changes the limits at run time (a runtime override; the admin's {@code /runtime_modify}): requests, connections
     * and retries already admitted stay, new ones are admitted against the new limits. Each limit as the constructor
     * takes it; {@code maxRetries} is ignored under a retry budget.
     */
    public void setLimits(final int maxConnections, final int maxPendingRequests, final int maxRequests,
                          final int maxRetries) {
        check("maxConnections", maxConnections);
        check("maxPendingRequests", maxPendingRequests);
        check("maxRequests", maxRequests);
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
        }
        connections.limit(maxConnections);
        pending.limit(maxPendingRequests);
        requests.limit(maxRequests);
        if (!budget) {
            retries.limit(maxRetries);
        }
    }

    /** Takes a connection slot; false when max_connections is reached. */
    public boolean tryAcquireConnection() {
        return connections.tryAcquire();
    }

    /** Gives a connection slot back (the connection closed or failed to open). */
    public void releaseConnection() {
        connections.release();
    }

    /** Takes a pending-request slot; false when max_pending_requests is reached. */
    public boolean tryAcquirePending() {
        return pending.tryAcquire();
    }

    /** Gives a pending-request slot back (the connection it waited for is up, or failed). */
    public void releasePending() {
        pending.release();
    }

    /** Takes a request slot; false when max_requests is reached. */
    public boolean tryAcquireRequest() {
        return requests.tryAcquire();
    }

    /** Gives a request slot back (the exchange ended or aborted). */
    public void releaseRequest() {
        requests.release();
    }

    /**
     * Takes a retry slot; false when max_retries (or the retry budget, when set) is reached. Hold it while the
     * retry is scheduled or in flight.
     */
    public boolean tryAcquireRetry() {
        if (!budget) {
            return retries.tryAcquire();
        }
        return retries.tryAcquire(retryLimit());
    }

    /** Gives a retry slot back (the retried attempt ended, or the exchange did). */
    public void releaseRetry() {
        retries.release();
    }

    /** The retries allowed at once now: max_retries, or the budget computed from the current load. */
    public long retryLimit() {
        if (!budget) {
            return retries.limit();
        }
        final long active = requests.current() + pending.current();
        return Math.max(minRetryConcurrency, (long) (active * budgetFraction));
    }

    /** Retry slots now taken. */
    public long currentRetries() {
        return retries.current();
    }

    /** True when a retry budget, not max_retries, caps the retries. */
    public boolean hasRetryBudget() {
        return budget;
    }

    /** The max_retries limit (0 when a retry budget replaces it). */
    public int maxRetries() {
        return (int) retries.limit();
    }

    /** The retry budget's percentage of the active requests (0 without a budget). */
    public double retryBudgetPercent() {
        return budgetFraction * 100.0;
    }

    /** The retry budget's floor (0 without a budget). */
    public int minRetryConcurrency() {
        return minRetryConcurrency;
    }

    /** Connection slots now taken. */
    public long currentConnections() {
        return connections.current();
    }

    /** Pending-request slots now taken. */
    public long currentPendingRequests() {
        return pending.current();
    }

    /** Request slots now taken. */
    public long currentRequests() {
        return requests.current();
    }

    /** The max_connections limit. */
    public int maxConnections() {
        return (int) connections.limit();
    }

    /** The max_pending_requests limit. */
    public int maxPendingRequests() {
        return (int) pending.limit();
    }

    /** The max_requests limit. */
    public int maxRequests() {
        return (int) requests.limit();
    }
}
