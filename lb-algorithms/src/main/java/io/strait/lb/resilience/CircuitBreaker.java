package io.strait.lb.resilience;

/**
 * The circuit breakers of one cluster, with Envoy's semantics: hard caps on the upstream connections, the
 * requests waiting for a connection, and the requests in flight. Thread-safe: shared by all event loops of
 * the cluster; every operation is one atomic add on a padded counter (two when an acquire is refused), no lock.
 *
 * <p>Each {@code tryAcquireX()} that returns true must be matched by exactly one {@code releaseX()}.
 */
public final class CircuitBreaker {

    /** Envoy's default for every limit. */
    public static final int DEFAULT_LIMIT = 1024;

    private final PaddedCounter connections;
    private final PaddedCounter pending;
    private final PaddedCounter requests;

    /**
     * A breaker.
     *
     * @param maxConnections     the most upstream connections open (or opening) at once, &gt;= 1
     * @param maxPendingRequests the most requests waiting for a new upstream connection at once, &gt;= 1
     * @param maxRequests        the most requests in flight at once, &gt;= 1
     */
    public CircuitBreaker(final int maxConnections, final int maxPendingRequests, final int maxRequests) {
        check("maxConnections", maxConnections);
        check("maxPendingRequests", maxPendingRequests);
        check("maxRequests", maxRequests);
        this.connections = new PaddedCounter(maxConnections);
        this.pending = new PaddedCounter(maxPendingRequests);
        this.requests = new PaddedCounter(maxRequests);
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
