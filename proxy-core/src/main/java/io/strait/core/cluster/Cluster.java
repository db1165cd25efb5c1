package io.strait.core.cluster;

import io.strait.core.config.CircuitBreakersConfig;
import io.strait.core.config.ClusterDiscoveryConfig;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.EndpointConfig;
import io.strait.core.config.UpstreamHttp2Config;
import io.strait.core.config.UpstreamProtocol;
import io.strait.core.config.RetryBudgetConfig;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.StatsScope;
import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancerFactory;
import io.strait.lb.LoadBalancers;
import io.strait.lb.health.OutlierDetector;
import io.strait.lb.resilience.CircuitBreaker;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream cluster of a configuration snapshot: its hosts, the factory that builds each loop's
 * load balancer, connection settings, circuit breaker, health settings and stats. Thread-safe: immutable apart from
 * the hosts' own shared state (active-request counts and health), the circuit breaker's counts, the current
 * {@link #hostSet()} (replaced by the health thread when health changes), the host list of a {@code strict_dns}
 * cluster (replaced with the host set by the {@link DnsRefresher}'s thread) and the outlier detector (set once
 * by the {@link HealthManager} before traffic starts).
 */
public final class Cluster {

    private final String name;
    private volatile List<Host> hosts;
    private final ClusterConfig config;
    private volatile HostSet hostSet;
    private volatile OutlierDetector outlierDetector;
    private final LoadBalancerFactory lbFactory;
    private final boolean hashing;
    private final int connectTimeoutMillis;
    private final int maxIdlePerHost;
    private final long idleTimeoutNanos;
    /** True when the cluster speaks HTTP/2 to its hosts (protocol: http2); auto decides per connection (ALPN). */
    private final boolean http2;
    /** True when connections may be HTTP/2: protocol http2, or auto with TLS (ALPN may pick h2). */
    private final boolean multiplexes;
    /** True for protocol auto with TLS: each connection's ALPN result decides. */
    private final boolean alpnAuto;
    /** The upstream TLS side, or null for plaintext. */
    private final UpstreamTls tls;
    private final int maxRequestsPerConnection;
    private final StatsScope<ClusterStat> stats;
    private final CircuitBreaker circuitBreaker;
    /** The event loops that count requests to this cluster's hosts: each host's {@code HostStats} has their slots. */
    private final int loops;

    Cluster(final ClusterConfig config, final StatsScope<ClusterStat> stats, final int loops) {
        this.name = config.name();
        this.loops = loops;
        this.hosts = dynamic(config) ? List.of() : staticHosts(config, loops);
        this.config = config;
        this.hostSet = HostSet.of(hosts, null, config.panicThreshold());
        this.lbFactory = lbFactory(config);
        this.hashing = config.lb() == LbPolicy.RING_HASH || config.lb() == LbPolicy.MAGLEV;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        this.maxIdlePerHost = config.pool().maxIdle();
        this.idleTimeoutNanos = config.pool().idleTimeout().toNanos();
        this.http2 = config.protocol() == UpstreamProtocol.HTTP2;
        this.alpnAuto = config.protocol() == UpstreamProtocol.AUTO && config.tls() != null;
        this.multiplexes = http2 || alpnAuto;
        this.maxRequestsPerConnection = config.pool().maxRequestsPerConnection();
        this.stats = stats;
        this.circuitBreaker = breaker(config.circuitBreakers());
        this.tls = UpstreamTls.of(config);   // last: it starts a file poller that close() stops
    }

    /** True if the cluster's hosts come from resolving its endpoint names again and again ({@code strict_dns}). */
    static boolean dynamic(final ClusterConfig config) {
        return config.discovery() != null && config.discovery().type() == ClusterDiscoveryConfig.Type.STRICT_DNS;
    }

    /**
     * One host per endpoint of a {@code static} cluster, each name resolved now, once (the caller is off the event
     * loops). A name that does not resolve fails the start: it would otherwise reach the connect path unresolved.
     */
    private static List<Host> staticHosts(final ClusterConfig config, final int loops) {
        final List<Host> list = new ArrayList<>(config.endpoints().size());
        for (final EndpointConfig e : config.endpoints()) {
            final InetSocketAddress address = e.address().toSocketAddress();
            if (address.isUnresolved()) {
                throw new IllegalStateException("cluster " + config.name() + ": endpoint " + e.address()
                    + " does not resolve (a static cluster resolves its names once, at start; type: strict_dns "
                    + "resolves them again every dns_refresh_rate)");
            }
            list.add(new Host(address, e.weight(), loops));
        }
        return List.copyOf(list);
    }

    /** The breaker for {@code cb}: retries capped by its retry budget when it has one, else by max_retries. */
    static CircuitBreaker breaker(final CircuitBreakersConfig cb) {
        final RetryBudgetConfig budget = cb.retryBudget();
        if (budget != null) {
            return CircuitBreaker.withRetryBudget(cb.maxConnections(), cb.maxPendingRequests(), cb.maxRequests(),
                budget.budgetPercent(), budget.minRetryConcurrency());
        }
        return new CircuitBreaker(cb.maxConnections(), cb.maxPendingRequests(), cb.maxRequests(), cb.maxRetries());
    }

    /** The balancer factory of the cluster's policy, with its tuning keys where given. */
    private static LoadBalancerFactory lbFactory(final ClusterConfig config) {
        if (config.lb() == LbPolicy.LEAST_REQUEST && config.leastRequest() != null) {
            return LoadBalancers.leastRequest(config.leastRequest().choiceCount(),
                config.leastRequest().activeRequestBias());
        }
        if (config.lb() == LbPolicy.RING_HASH && config.ringHash() != null) {
            return LoadBalancers.ringHash(config.ringHash().minimumRingSize(), config.ringHash().maximumRingSize());
        }
        if (config.lb() == LbPolicy.MAGLEV && config.maglev() != null) {
            return LoadBalancers.maglev(config.maglev().tableSize());
        }
        return LoadBalancers.factory(config.lb());
    }

    /** The number of event loops each host's counters have slots for (a new host of the cluster gets as many). */
    public int loops() {
        return loops;
    }

    /** The configured name. */
    public String name() {
        return name;
    }

    /**
     * Every host, in configuration order (for {@code strict_dns}: the addresses of each endpoint name, as last
     * resolved, in endpoint order).
     */
    public List<Host> hosts() {
        return hosts;
    }

    /** Replaces a {@code strict_dns} cluster's hosts and host set (by the DNS thread, which then publishes the set). */
    void membership(final List<Host> newHosts, final HostSet set) {
        this.hosts = newHosts;
        this.hostSet = set;
    }

    /** The current host snapshot. */
    public HostSet hostSet() {
        return hostSet;
    }

    /** Replaces the host snapshot (by the health thread; loops rebuild their balancers from it). */
    void hostSet(final HostSet set) {
        this.hostSet = set;
    }

    /** The configuration: health check, outlier detection, slow start, panic threshold. */
    public ClusterConfig config() {
        return config;
    }

    /** The passive health detector, or null without {@code outlier_detection} (or before the health manager). */
    public OutlierDetector outlierDetector() {
        return outlierDetector;
    }

    void outlierDetector(final OutlierDetector detector) {
        this.outlierDetector = detector;
    }

    /**
     * The request path learned the final response status of an exchange with {@code host}: feeds outlier detection
     * (a no-op without it). Lock-free, allocation-free; writes shared memory only after a failure.
     */
    public void reportStatus(final Host host, final int status) {
        final OutlierDetector d = outlierDetector;
        if (d != null) {
            d.onResponse(host, status);
        }
    }

    /**
     * An exchange with {@code host} failed at the gateway level (connect failure or timeout, reset before the
     * response, malformed response): feeds outlier detection as a 503 would.
     */
    public void reportGatewayFailure(final Host host) {
        final OutlierDetector d = outlierDetector;
        if (d != null) {
            d.onGatewayFailure(host);
        }
    }

    /** Builds each loop's balancer. */
    public LoadBalancerFactory lbFactory() {
        return lbFactory;
    }

    /**
     * True if the cluster's balancer picks by request hash ({@code ring_hash}, {@code maglev}), so callers should
     * compute the route's hash; other balancers ignore the hash given to {@code pick}.
     */
    public boolean hashing() {
        return hashing;
    }

    /** Connect timeout in milliseconds. */
    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** Idle keep-alive connections kept per event loop and host. */
    public int maxIdlePerHost() {
        return maxIdlePerHost;
    }

    /** True when requests go to the hosts as HTTP/2 streams ({@code protocol: http2}). */
    public boolean http2() {
        return http2;
    }

    /**
     * True when the cluster's connections may be HTTP/2 ({@code protocol: http2}, or {@code auto} with TLS): the
     * request path's one test before its HTTP/1.1 way.
     */
    public boolean multiplexes() {
        return multiplexes;
    }

    /** True for {@code protocol: auto} with TLS: ALPN decides each connection's protocol. */
    public boolean alpnAuto() {
        return alpnAuto;
    }

    /** The upstream TLS side, or null for a plaintext cluster. */
    public UpstreamTls tls() {
        return tls;
    }

    /** Stops what the cluster runs besides its hosts (the TLS file poller). Call once no snapshot has it. */
    public void close() {
        if (tls != null) {
            tls.close();
        }
    }

    /** The settings of the cluster's HTTP/2 connections. */
    public UpstreamHttp2Config http2Config() {
        return config.http2();
    }

    /** Requests one upstream connection carries before it is closed; 0: no limit. */
    public int maxRequestsPerConnection() {
        return maxRequestsPerConnection;
    }

    /** How long an idle pooled connection is kept, in nanoseconds (0: no limit). */
    public long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** The cluster's circuit breaker, shared by all event loops. */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    /** The cluster's stats ({@code cluster.<name>.}). */
    public StatsScope<ClusterStat> stats() {
        return stats;
    }

    @Override
    public String toString() {
        return name + hosts;
    }
}
