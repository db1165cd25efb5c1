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
 * @param rqTotal                 requests sent to it so far
 * @param rqError                 requests to it that failed (5xx, reset, connect failure) so far
 * @param cxActive                connections open to it now
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
        long cxActive) {

    /** True when no health flag is set: the host takes traffic. */
    public boolean healthy() {
        return !failedActiveHealthCheck && !failedOutlierCheck && !pendingDynamicRemoval;
    }
}
