package io.strait.core.config;

/**
 * Immutable. Key {@code least_request} of a cluster with {@code lb: least_request} (Envoy's
 * {@code least_request_lb_config}).
 *
 * @param choiceCount       hosts drawn at random per pick when all weights are equal (power of d choices), &gt;= 2
 * @param activeRequestBias exponent of the active requests in {@code weight / (active + 1)^bias} when weights differ;
 *                          0 turns it into weighted round robin
 */
public record LeastRequestConfig(int choiceCount, double activeRequestBias) {

    /** Envoy's default choice count. */
    public static final int DEFAULT_CHOICE_COUNT = 2;
    /** Envoy's default bias. */
    public static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;
    /** The settings {@code lb: least_request} has without a {@code least_request} key. */
    public static final LeastRequestConfig DEFAULT = new LeastRequestConfig(DEFAULT_CHOICE_COUNT,
        DEFAULT_ACTIVE_REQUEST_BIAS);
}
