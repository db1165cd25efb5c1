package io.strait.core.config;

import io.strait.lb.LbPolicy;

import java.time.Duration;
import java.util.List;

/**
 * Immutable. One cluster: its load-balancing policy, endpoints, connect timeout, upstream pool settings and
 * circuit breakers.
 */
public record ClusterConfig(
        String name,
        LbPolicy lb,
        List<EndpointConfig> endpoints,
        Duration connectTimeout,
        PoolConfig pool,
        CircuitBreakersConfig circuitBreakers) {
}
