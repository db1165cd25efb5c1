package io.strait.core.config;


/**
 * Immutable. One static endpoint of a cluster: address and weight (default 1).
 */
public record EndpointConfig(
        HostPort address,
        int weight) {
}
