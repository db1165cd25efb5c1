package io.strait.core.config;


/** One entry of {@code weighted_clusters}. Immutable. */
public record WeightedClusterConfig(String cluster, int weight) {
}
