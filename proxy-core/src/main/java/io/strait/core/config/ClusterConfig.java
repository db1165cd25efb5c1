package io.strait.core.config;

import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;

import java.time.Duration;
import java.util.List;

/**
 * Immutable. One cluster: its load-balancing policy, endpoints, connect timeout, upstream pool settings, circuit
 * breakers, and host health: active health check, outlier detection and slow start (each null when not configured)
 * and the panic threshold; {@code discovery} says how endpoint names become hosts ({@code type}); {@code protocol} what
 * the proxy speaks to them, with {@code http2}'s connection settings when that is HTTP/2; {@code tls} (null: plaintext)
 * how it originates TLS to them.
 *
 * @param panicThreshold percent of healthy hosts below which the balancer ignores health (0: never), 0..100
 */
public record ClusterConfig(
        String name,
        LbPolicy lb,
        List<EndpointConfig> endpoints,
        Duration connectTimeout,
        PoolConfig pool,
        CircuitBreakersConfig circuitBreakers,
        HealthCheckConfig healthCheck,
        OutlierDetectionConfig outlierDetection,
        SlowStartConfig slowStart,
        int panicThreshold,
        LeastRequestConfig leastRequest,
        RingHashConfig ringHash,
        MaglevConfig maglev,
        ClusterDiscoveryConfig discovery,
        UpstreamProtocol protocol,
        UpstreamHttp2Config http2,
        ClusterTlsConfig tls) {

    /** A cluster without upstream TLS: the arity before {@code tls}. */
    public ClusterConfig(final String name, final LbPolicy lb, final List<EndpointConfig> endpoints,
                         final Duration connectTimeout, final PoolConfig pool,
                         final CircuitBreakersConfig circuitBreakers, final HealthCheckConfig healthCheck,
                         final OutlierDetectionConfig outlierDetection, final SlowStartConfig slowStart,
                         final int panicThreshold, final LeastRequestConfig leastRequest, final RingHashConfig ringHash,
                         final MaglevConfig maglev, final ClusterDiscoveryConfig discovery,
                         final UpstreamProtocol protocol, final UpstreamHttp2Config http2) {
        this(name, lb, endpoints, connectTimeout, pool, circuitBreakers, healthCheck, outlierDetection, slowStart,
            panicThreshold, leastRequest, ringHash, maglev, discovery, protocol, http2, null);
    }

    /** A cluster speaking HTTP/1.1 to its hosts: the arity before {@code protocol}. */
    public ClusterConfig(final String name, final LbPolicy lb, final List<EndpointConfig> endpoints,
                         final Duration connectTimeout, final PoolConfig pool,
                         final CircuitBreakersConfig circuitBreakers, final HealthCheckConfig healthCheck,
                         final OutlierDetectionConfig outlierDetection, final SlowStartConfig slowStart,
                         final int panicThreshold, final LeastRequestConfig leastRequest, final RingHashConfig ringHash,
                         final MaglevConfig maglev, final ClusterDiscoveryConfig discovery) {
        this(name, lb, endpoints, connectTimeout, pool, circuitBreakers, healthCheck, outlierDetection, slowStart,
            panicThreshold, leastRequest, ringHash, maglev, discovery, UpstreamProtocol.HTTP1,
            UpstreamHttp2Config.DEFAULTS);
    }

    /** A {@code type: static} cluster: the arity before {@code type}. */
    public ClusterConfig(final String name, final LbPolicy lb, final List<EndpointConfig> endpoints,
                         final Duration connectTimeout, final PoolConfig pool,
                         final CircuitBreakersConfig circuitBreakers, final HealthCheckConfig healthCheck,
                         final OutlierDetectionConfig outlierDetection, final SlowStartConfig slowStart,
                         final int panicThreshold, final LeastRequestConfig leastRequest, final RingHashConfig ringHash,
                         final MaglevConfig maglev) {
        this(name, lb, endpoints, connectTimeout, pool, circuitBreakers, healthCheck, outlierDetection, slowStart,
            panicThreshold, leastRequest, ringHash, maglev, ClusterDiscoveryConfig.STATIC);
    }

    /** Envoy's default {@code healthy_panic_threshold}: 50%. */
    public static final int DEFAULT_PANIC_THRESHOLD = HostSet.DEFAULT_PANIC_THRESHOLD_PERCENT;

    /** A cluster without health checking, outlier detection or slow start, and the default panic threshold. */
    public ClusterConfig(final String name, final LbPolicy lb, final List<EndpointConfig> endpoints,
                         final Duration connectTimeout, final PoolConfig pool,
                         final CircuitBreakersConfig circuitBreakers) {
        this(name, lb, endpoints, connectTimeout, pool, circuitBreakers, null, null, null, DEFAULT_PANIC_THRESHOLD);
    }

    /** A cluster with the default balancer settings (null {@code leastRequest}, {@code ringHash}, {@code maglev}). */
    public ClusterConfig(final String name, final LbPolicy lb, final List<EndpointConfig> endpoints,
                         final Duration connectTimeout, final PoolConfig pool,
                         final CircuitBreakersConfig circuitBreakers, final HealthCheckConfig healthCheck,
                         final OutlierDetectionConfig outlierDetection, final SlowStartConfig slowStart,
                         final int panicThreshold) {
        this(name, lb, endpoints, connectTimeout, pool, circuitBreakers, healthCheck, outlierDetection, slowStart,
            panicThreshold, null, null, null);
    }
}
