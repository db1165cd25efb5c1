package io.strait.core.config;


/**
 * Immutable. One entry of {@code weighted_clusters}.
 */
public record WeightedClusterConfig(
        String cluster,
        int weight) {
}
