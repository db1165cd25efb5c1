package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code outlier_detection} of a cluster: Envoy's passive health. A host that answers {@code
 * consecutive5xx} 5xx responses, or fails {@code consecutiveGatewayFailure} times at the gateway level (502, 503,
 * 504, connect failure, reset), in a row is ejected for {@code baseEjectionTime} times the number of times it was
 * ejected, at most {@code maxEjectionTime}, never taking more than {@code maxEjectionPercent} of the hosts (one
 * host may always be ejected). Every {@code interval} an ejected-before host that behaves has its multiplier
 * lowered by one.
 *
 * @param consecutive5xx            &gt;= 1
 * @param consecutiveGatewayFailure &gt;= 1
 * @param interval                  multiplier decay period, &gt; 0
 * @param baseEjectionTime          &gt; 0
 * @param maxEjectionTime           &gt;= baseEjectionTime
 * @param maxEjectionPercent        0..100
 */
public record OutlierDetectionConfig(
        int consecutive5xx,
        int consecutiveGatewayFailure,
        Duration interval,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectionPercent) {

    /** Envoy's default for both thresholds. */
    public static final int DEFAULT_CONSECUTIVE = 5;
    /** Envoy's default {@code interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Envoy's default {@code base_ejection_time}. */
    public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
    /** Envoy's default {@code max_ejection_time}. */
    public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
    /** Envoy's default {@code max_ejection_percent}. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
}
