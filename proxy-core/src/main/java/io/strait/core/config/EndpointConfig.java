package io.strait.core.config;


/** One static endpoint of a cluster: address and weight (default 1). Immutable. */
public record EndpointConfig(HostPort address, int weight) {
}
