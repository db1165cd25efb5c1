package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code slow_start} of a cluster: a host that becomes healthy again (active check or end of an
 * ejection) gets {@code max(minWeightPercent / 100, (t / window)^(1 / aggression))} of its weight for {@code
 * window}. Applies to weighted round robin, least request and random; round robin has no weights and ring hash and
 * Maglev keep the configured weights.
 *
 * @param window           the ramp's length, &gt; 0
 * @param aggression       &gt; 0 (1.0: linear)
 * @param minWeightPercent the factor's floor, 0..100
 */
public record SlowStartConfig(
        Duration window,
        double aggression,
        double minWeightPercent) {

    /** Envoy's default {@code aggression}. */
    public static final double DEFAULT_AGGRESSION = 1.0;
    /** Envoy's default {@code min_weight_percent}. */
    public static final double DEFAULT_MIN_WEIGHT_PERCENT = 10.0;
}
