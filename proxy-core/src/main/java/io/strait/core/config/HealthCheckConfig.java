package io.strait.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Immutable. Key {@code health_check} of a cluster: an active check of every host, on its own thread, every
 * {@code interval} (plus up to {@code intervalJitter}): an HTTP {@code GET path} whose status must be one of
 * {@code expectedStatuses}, or (type {@code tcp}) a TCP connect. A host becomes unhealthy after {@code
 * unhealthyThreshold} failed checks in a row and healthy again after {@code healthyThreshold} passed ones.
 *
 * @param type               HTTP or TCP
 * @param path               the HTTP request path (null for TCP)
 * @param host               the {@code Host} header (null: the cluster's name)
 * @param expectedStatuses   the statuses that pass, as inclusive ranges (HTTP only)
 * @param interval           time between two checks of one host
 * @param intervalJitter     up to this much is added to each interval, at random
 * @param timeout            a check that has not passed within this fails
 * @param unhealthyThreshold failed checks in a row that make a healthy host unhealthy, &gt;= 1
 * @param healthyThreshold   passed checks in a row that make an unhealthy host healthy, &gt;= 1
 */
public record HealthCheckConfig(
        Type type,
        String path,
        String host,
        List<StatusRange> expectedStatuses,
        Duration interval,
        Duration intervalJitter,
        Duration timeout,
        int unhealthyThreshold,
        int healthyThreshold) {

    /** Default {@code interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** Default {@code interval_jitter}, as a percentage of the interval. */
    public static final int DEFAULT_JITTER_PERCENT = 10;
    /** Default {@code timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** Default {@code unhealthy_threshold}. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /** Default {@code healthy_threshold}. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    /** Default {@code expected_statuses}: 200-299. */
    public static final List<StatusRange> DEFAULT_EXPECTED = List.of(new StatusRange(200, 299));

    /** The kind of check. */
    public enum Type {
        /** {@code GET path}; passes on an expected status. */
        HTTP,
        /** Passes when a TCP connection is established. */
        TCP
    }

    /**
     * Immutable. An inclusive range of HTTP statuses.
     *
     * @param from the first status
     * @param to   the last status, &gt;= from
     */
    public record StatusRange(int from, int to) {
    }

    /** Copies the list. */
    public HealthCheckConfig {
        expectedStatuses = List.copyOf(expectedStatuses);
    }

    /** True if {@code status} is expected. */
    public boolean expects(final int status) {
        for (final StatusRange r : expectedStatuses) {
            if (status >= r.from() && status <= r.to()) {
                return true;
            }
        }
        return false;
    }
}
