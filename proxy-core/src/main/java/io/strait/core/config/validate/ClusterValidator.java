package io.strait.core.config.validate;

import io.strait.core.config.CircuitBreakersConfig;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.EndpointConfig;
import io.strait.core.config.HostPort;
import io.strait.core.config.LeastRequestConfig;
import io.strait.core.config.MaglevConfig;
import io.strait.core.config.PoolConfig;
import io.strait.core.config.RetryBudgetConfig;
import io.strait.core.config.RingHashConfig;
import io.strait.core.config.UpstreamProtocol;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.lb.LbPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Confined to one thread (that of its {@link ConfigValidator}). Binds and validates {@code clusters}: names (unique),
 * load balancing and its settings, endpoints, connection pool, circuit breakers; host health through
 * {@link HealthValidator}; upstream TLS through {@link ClusterTlsValidator}. It records each cluster name for the
 * references listeners and routes make.
 */
final class ClusterValidator extends SectionValidator {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Map<String, LbPolicy> LB_POLICIES = lbPolicies();

    ClusterValidator(final SectionValidator shared) {
        super(shared);
    }

    List<ClusterConfig> clusters(final Fields root) {
        final ListNode list = root.list("clusters", false, false);
        final List<ClusterConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.items().size(); i++) {
            final ClusterConfig c = cluster(list.items().get(i), root.childPath("clusters") + "[" + i + "]");
            if (c != null) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    private ClusterConfig cluster(final YamlNode node, final String path) {
        final Fields f = fields(node, path, "name", "lb", "endpoints", "connect_timeout", "pool", "health_check",
            "outlier_detection", "circuit_breakers", "slow_start", "panic_threshold", "least_request", "ring_hash",
            "maglev", "type", "dns_refresh_rate", "protocol", "http2", "tls");
        if (f == null) {
            return null;
        }
        final String name = f.name("name", "cluster");
        if (name != null) {
            final String earlier = clusterNames.putIfAbsent(name, path);
            if (earlier != null) {
                f.errorAtValue("name", "duplicate cluster name '" + name + "' (also " + earlier + ")");
            }
        }
        final LbPolicy lb = f.choice("lb", "lb policy", LB_POLICIES, LbPolicy.ROUND_ROBIN);
        final List<EndpointConfig> endpoints = endpoints(f);
        final Duration connectTimeout = f.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT, true);
        final PoolConfig pool = pool(f);
        final CircuitBreakersConfig circuitBreakers = circuitBreakers(f);
        final UpstreamProtocol protocol = UpstreamProtocolValidator.protocol(f);
        return new ClusterConfig(name, lb, endpoints, connectTimeout, pool, circuitBreakers,
            HealthValidator.healthCheck(f, name), HealthValidator.outlierDetection(f), HealthValidator.slowStart(f),
            HealthValidator.panicThreshold(f), leastRequest(f, lb), ringHash(f, lb), maglev(f, lb),
            ClusterDiscoveryValidator.discovery(f), protocol, UpstreamProtocolValidator.http2(f, protocol),
            ClusterTlsValidator.tls(f, baseDir, protocol, connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT
                : connectTimeout));
    }

    /** {@code ring_hash}: only with {@code lb: ring_hash}; null when absent (the defaults) or invalid (reported). */
    private static RingHashConfig ringHash(final Fields cluster, final LbPolicy lb) {
        final Fields f = cluster.object("ring_hash", "minimum_ring_size", "maximum_ring_size");
        if (f == null || !policyIs(cluster, "ring_hash", lb, LbPolicy.RING_HASH)) {
            return null;
        }
        final Long min = f.integerOr("minimum_ring_size", RingHashConfig.DEFAULT_MINIMUM, 1,
            RingHashConfig.DEFAULT_MAXIMUM);
        final Long max = f.integerOr("maximum_ring_size", RingHashConfig.DEFAULT_MAXIMUM, 1,
            RingHashConfig.DEFAULT_MAXIMUM);
        if (min == null || max == null) {
            return null;
        }
        if (max < min) {
            f.errorAtValue("maximum_ring_size", "maximum_ring_size " + max + " is below minimum_ring_size " + min);
            return null;
        }
        return new RingHashConfig(min, max);
    }

    /** {@code maglev}: only with {@code lb: maglev}; null when absent (the defaults) or invalid (reported). */
    private static MaglevConfig maglev(final Fields cluster, final LbPolicy lb) {
        final Fields f = cluster.object("maglev", "table_size");
        if (f == null || !policyIs(cluster, "maglev", lb, LbPolicy.MAGLEV)) {
            return null;
        }
        final Long size = f.integerOr("table_size", (long) MaglevConfig.DEFAULT_TABLE_SIZE, 2, Integer.MAX_VALUE);
        if (size == null) {
            return null;
        }
        try {
            io.strait.lb.LoadBalancers.maglev(size.intValue());   // the balancer's own check: a prime in range
        } catch (final IllegalArgumentException e) {
            f.errorAtValue("table_size", e.getMessage());
            return null;
        }
        return new MaglevConfig(size.intValue());
    }

    /** True if {@code lb} is {@code wanted} (or unknown: already reported); else reports {@code key} as misplaced. */
    private static boolean policyIs(final Fields cluster, final String key, final LbPolicy lb, final LbPolicy wanted) {
        if (lb != null && lb != wanted) {
            cluster.errorAtValue(key, key + " settings need lb: " + wanted.name().toLowerCase(Locale.ROOT) + " (lb is "
                + lb.name().toLowerCase(Locale.ROOT) + ")");
            return false;
        }
        return true;
    }

    /** {@code least_request}: only with {@code lb: least_request}; null when absent (the defaults) or invalid. */
    private static LeastRequestConfig leastRequest(final Fields cluster, final LbPolicy lb) {
        final Fields f = cluster.object("least_request", "choice_count", "active_request_bias");
        if (f == null || !policyIs(cluster, "least_request", lb, LbPolicy.LEAST_REQUEST)) {
            return null;
        }
        final Long choices = f.integerOr("choice_count", (long) LeastRequestConfig.DEFAULT_CHOICE_COUNT, 2, 100);
        final Double bias = f.number("active_request_bias", LeastRequestConfig.DEFAULT_ACTIVE_REQUEST_BIAS, 0, 100);
        if (choices == null || bias == null) {
            return null;
        }
        return new LeastRequestConfig(choices.intValue(), bias);
    }

    private List<EndpointConfig> endpoints(final Fields cluster) {
        final ListNode list = cluster.list("endpoints", true, true);
        final List<EndpointConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        final Map<String, String> seen = new HashMap<>();
        boolean anyWeight = false;
        boolean allBound = true;
        for (int i = 0; i < list.items().size(); i++) {
            final String path = cluster.childPath("endpoints") + "[" + i + "]";
            final Fields f = fields(list.items().get(i), path, "address", "weight");
            if (f == null) {
                allBound = false;
                continue;
            }
            final HostPort address = f.hostPort("address", true, 1);
            final Long weight = f.integerOr("weight", 1L, 0, Integer.MAX_VALUE);
            if (address == null || weight == null) {
                allBound = false;
            }
            if (address != null) {
                final String earlier = seen.putIfAbsent(address.toString().toLowerCase(Locale.ROOT), path);
                if (earlier != null) {
                    f.errorAtValue("address", "endpoint " + address + " is listed twice (also " + earlier + ")");
                }
            }
            anyWeight |= weight != null && weight > 0;
            out.add(new EndpointConfig(address, weight == null ? 1 : weight.intValue()));
        }
        if (allBound && !anyWeight && !list.items().isEmpty()) {
            error(cluster.childPath("endpoints"), list, "at least one endpoint must have a weight above 0");
        }
        return List.copyOf(nonNull(out));
    }

    private PoolConfig pool(final Fields cluster) {
        final Fields f = cluster.object("pool", "max_idle", "idle_timeout", "max_requests_per_connection");
        final int defaultMaxIdle = profile.poolMaxIdle();
        if (f == null) {
            return new PoolConfig(defaultMaxIdle, DEFAULT_POOL_IDLE_TIMEOUT);
        }
        final Long maxIdle = f.integerOr("max_idle", (long) defaultMaxIdle, 0, Integer.MAX_VALUE);
        final Duration idleTimeout = f.duration("idle_timeout", DEFAULT_POOL_IDLE_TIMEOUT, false);
        final Long maxRequests = f.integerOr("max_requests_per_connection", 0L, 0, Integer.MAX_VALUE);
        return new PoolConfig(maxIdle == null ? defaultMaxIdle : maxIdle.intValue(), idleTimeout,
            maxRequests == null ? 0 : maxRequests.intValue());
    }

    private CircuitBreakersConfig circuitBreakers(final Fields cluster) {
        final Fields f = cluster.object("circuit_breakers", "max_connections", "max_pending_requests", "max_requests",
            "max_retries", "retry_budget");
        if (f == null) {
            return CircuitBreakersConfig.DEFAULTS;
        }
        final long d = CircuitBreakersConfig.DEFAULT_LIMIT;
        final Long maxConnections = f.integerOr("max_connections", d, 1, Integer.MAX_VALUE);
        final Long maxPending = f.integerOr("max_pending_requests", d, 1, Integer.MAX_VALUE);
        final Long maxRequests = f.integerOr("max_requests", d, 1, Integer.MAX_VALUE);
        final Long maxRetries = f.integerOr("max_retries", (long) CircuitBreakersConfig.DEFAULT_MAX_RETRIES, 0,
            Integer.MAX_VALUE);
        return new CircuitBreakersConfig(
            maxConnections == null ? CircuitBreakersConfig.DEFAULT_LIMIT : maxConnections.intValue(),
            maxPending == null ? CircuitBreakersConfig.DEFAULT_LIMIT : maxPending.intValue(),
            maxRequests == null ? CircuitBreakersConfig.DEFAULT_LIMIT : maxRequests.intValue(),
            maxRetries == null ? CircuitBreakersConfig.DEFAULT_MAX_RETRIES : maxRetries.intValue(),
            retryBudget(f));
    }

    /** Key {@code retry_budget} of circuit_breakers; null when absent or invalid (reported). */
    private RetryBudgetConfig retryBudget(final Fields breakers) {
        final Fields f = breakers.object("retry_budget", "budget_percent", "min_retry_concurrency");
        if (f == null) {
            return null;
        }
        final Double percent = f.decimal("budget_percent", RetryBudgetConfig.DEFAULT_BUDGET_PERCENT, 0, 100);
        final Long min = f.integerOr("min_retry_concurrency",
            (long) RetryBudgetConfig.DEFAULT_MIN_RETRY_CONCURRENCY, 0, Integer.MAX_VALUE);
        if (percent == null || min == null) {
            return null;
        }
        return new RetryBudgetConfig(percent, min.intValue());
    }

    private static Map<String, LbPolicy> lbPolicies() {
        final Map<String, LbPolicy> m = new LinkedHashMap<>();
        for (final LbPolicy p : LbPolicy.values()) {
            m.put(p.configName(), p);
        }
        return m;
    }
}
