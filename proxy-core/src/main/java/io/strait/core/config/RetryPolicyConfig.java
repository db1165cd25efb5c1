package io.strait.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Immutable. Key {@code retry} of a route or a virtual host (the route's wins), Envoy's retry policy: on which
 * failures ({@code retryOn}, names from {@link #RETRY_ON}) a request is sent again, at most {@code attempts} times
 * more (Envoy's {@code num_retries}), each try bounded by {@code perTryTimeout} (null: only the route timeout), with a
 * jittered exponential backoff from {@code baseInterval} up to {@code maxInterval} between tries. A request body is
 * replayable while it fits {@code bufferLimit} bytes (a bodyless request always is).
 *
 * @param attempts             retries after the first try, &gt;= 0
 * @param retryOn              the failure kinds that are retried, each one of {@link #RETRY_ON}
 * @param retriableStatusCodes the statuses {@code retriable-status-codes} retries, each in 100..599
 * @param perTryTimeout        the timeout of each try, or null for none
 * @param baseInterval         the first retry's backoff bound, &gt; 0
 * @param maxInterval          the cap of the backoff bound, &gt;= baseInterval
 * @param bufferLimit          the most request body bytes kept for a replay, &gt;= 0
 */
public record RetryPolicyConfig(
        int attempts,
        List<String> retryOn,
        List<Integer> retriableStatusCodes,
        Duration perTryTimeout,
        Duration baseInterval,
        Duration maxInterval,
        long bufferLimit) {

    /** Connect refused or timed out. */
    public static final String CONNECT_FAILURE = "connect-failure";
    /** The upstream closed or reset the connection before a response head (or a try timed out). */
    public static final String RESET = "reset";
    /** Any 5xx response head, and every failure to get a response at all (as Envoy's {@code 5xx}). */
    public static final String RETRY_5XX = "5xx";
    /** A 502, 503 or 504 head, and every failure to get a response at all. */
    public static final String GATEWAY_ERROR = "gateway-error";
    /** A response head whose status is in {@code retriableStatusCodes}. */
    public static final String RETRIABLE_STATUS_CODES = "retriable-status-codes";
    /** A head carrying {@code grpc-status: 1} (CANCELLED), as Envoy's retry_grpc_on {@code cancelled}. */
    public static final String CANCELLED = "cancelled";
    /** A head carrying {@code grpc-status: 4} (DEADLINE_EXCEEDED). */
    public static final String DEADLINE_EXCEEDED = "deadline-exceeded";
    /** A head carrying {@code grpc-status: 13} (INTERNAL). */
    public static final String INTERNAL = "internal";
    /** A head carrying {@code grpc-status: 8} (RESOURCE_EXHAUSTED). */
    public static final String RESOURCE_EXHAUSTED = "resource-exhausted";
    /** A head carrying {@code grpc-status: 14} (UNAVAILABLE). */
    public static final String UNAVAILABLE = "unavailable";
    /** Every retry_on name, in documentation order. */
    public static final List<String> RETRY_ON = List.of(CONNECT_FAILURE, RESET, RETRY_5XX, GATEWAY_ERROR,
        RETRIABLE_STATUS_CODES, CANCELLED, DEADLINE_EXCEEDED, INTERNAL, RESOURCE_EXHAUSTED, UNAVAILABLE);

    /** Envoy's default {@code num_retries}. */
    public static final int DEFAULT_ATTEMPTS = 1;
    /** Envoy's default backoff base interval. */
    public static final Duration DEFAULT_BASE_INTERVAL = Duration.ofMillis(25);
    /** The default request body kept for a replay. */
    public static final long DEFAULT_BUFFER_LIMIT = 64 * 1024;

    /** Copies the lists. */
    public RetryPolicyConfig {
        retryOn = List.copyOf(retryOn);
        retriableStatusCodes = List.copyOf(retriableStatusCodes);
    }

    /** Envoy's default max interval: ten times the base. */
    public static Duration defaultMaxInterval(final Duration base) {
        return base.multipliedBy(10);
    }
}
