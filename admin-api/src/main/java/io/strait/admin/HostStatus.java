package io.strait.admin;

/**
 * Immutable. One upstream host of a cluster as {@code /clusters} shows it.
 *
 * @param host                    the host's IP address (or name) as configured or resolved
 * @param port                    its port
 * @param weight                  its load-balancing weight
 * @param failedActiveHealthCheck true while active health checks mark it unhealthy
 * @param failedOutlierCheck      true while outlier detection has it ejected
 * @param pendingDynamicRemoval   true when service discovery dropped it and it is draining
 * @param healthReason            why it is unhealthy, in words ("" when healthy)
 * @param rqActive                requests in progress on it now
 * @param rqTotal                 tries sent to it so far (each retry is one more)
 * @param rqError                 tries that failed so far: a 5xx, a connect failure, a close, reset or protocol error
 *                                before the response head, a timeout before it
 * @param cxActive                connections open to it now, idle pooled ones included
 * @param rqSuccess               tries whose response head was not a 5xx so far
 * @param rqTimeout               tries on it when a route or per-try timeout fired so far
 * @param cxTotal                 connections to it opened or attempted so far
 * @param cxConnectFail           connections to it that could not be opened so far
 */
public record HostStatus(
        String host,
        int port,
        int weight,
        boolean failedActiveHealthCheck,
        boolean failedOutlierCheck,
        boolean pendingDynamicRemoval,
        String healthReason,
        long rqActive,
        long rqTotal,
        long rqError,
        long cxActive,
        long rqSuccess,
        long rqTimeout,
        long cxTotal,
        long cxConnectFail) {

    /** A host whose source counts only active and total requests, errors and open connections; the rest read 0. */
    public HostStatus(final String host, final int port, final int weight, final boolean failedActiveHealthCheck,
                      final boolean failedOutlierCheck, final boolean pendingDynamicRemoval, final String healthReason,
                      final long rqActive, final long rqTotal, final long rqError, final long cxActive) {
        this(host, port, weight, failedActiveHealthCheck, failedOutlierCheck, pendingDynamicRemoval, healthReason,
            rqActive, rqTotal, rqError, cxActive, 0, 0, 0, 0);
    }

    /** True when no health flag is set: the host takes traffic. */
    public boolean healthy() {
        return !failedActiveHealthCheck && !failedOutlierCheck && !pendingDynamicRemoval;
    }
}
