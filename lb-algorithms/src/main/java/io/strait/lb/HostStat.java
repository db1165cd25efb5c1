package io.strait.lb;

/**
 * Immutable. The per-host stats Strait counts, under Envoy's names ({@code /clusters}), sorted by kind and then by
 * name; each is one slot per event loop in a host's {@link HostStats}. The request-active gauge is not here: it is
 * the host's own shared count ({@link Host#activeRequests()}), which the load balancers read.
 *
 * <p>A try ({@code rq_total}) ends in at most one of {@code rq_success} and {@code rq_error}, decided as Envoy's
 * router decides it: by the final response head's status when one came, else by how the try failed. A try that
 * ended for a reason that is not the host's (the client went away, a circuit breaker refused the connection, the
 * stream idle timeout) is neither, so {@code rq_total - rq_success - rq_error} is those tries plus the ones still
 * active.
 */
public enum HostStat {

    /** Connections to the host that could not be opened (refused, unreachable, connect timeout). */
    CX_CONNECT_FAIL("cx_connect_fail", false),
    /** Connections to the host opened or attempted. */
    CX_TOTAL("cx_total", false),
    /**
     * Tries that failed: a 5xx final response head, a connect failure, the connection closed or reset before the
     * final head, an upstream protocol error before it, or a route or per-try timeout before it.
     */
    RQ_ERROR("rq_error", false),
    /** Tries whose final response head was not a 5xx (counted whatever happens to the body after it, as Envoy). */
    RQ_SUCCESS("rq_success", false),
    /**
     * Tries on the host when the route's timeout or the per-try timeout fired; each also counts in rq_error unless
     * its response head had already come.
     */
    RQ_TIMEOUT("rq_timeout", false),
    /** Tries that picked the host: every request sent to it, a retry or a connect that then failed included. */
    RQ_TOTAL("rq_total", false),
    /** Connections to the host open now, idle pooled ones included (a gauge). */
    CX_ACTIVE("cx_active", true);

    private final String envoyName;
    private final boolean gauge;

    HostStat(final String envoyName, final boolean gauge) {
        this.envoyName = envoyName;
        this.gauge = gauge;
    }

    /** Envoy's name, e.g. {@code rq_total}. */
    public String envoyName() {
        return envoyName;
    }

    /** True for a gauge (goes up and down), false for a counter (only up). */
    public boolean isGauge() {
        return gauge;
    }
}
