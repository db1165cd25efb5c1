package io.strait.core.exchange;

import io.strait.core.snapshot.LoopState;
import io.strait.core.cluster.Cluster;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.route.Route;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.LoadBalancer;
import io.strait.lb.resilience.CircuitBreaker;
import io.strait.lb.resilience.TokenBucket;

import java.util.SplittableRandom;

/**
 * Picks where one exchange goes once its route is known: the route's rate limit, the cluster (weighted clusters),
 * the cluster's request slot in its circuit breaker, and the host its load balancer picks. Each refusal is counted
 * where Envoy counts it and returned as a status for the exchange to answer. Holds the outcome (cluster, its stats
 * on this loop, the request slot, the request hash) for the exchange's lifetime.
 *
 * <p>Confined to its exchange's event loop; one per exchange, reused by its later requests.
 */
final class UpstreamSelector {

    /** {@link #select}: a host was picked. */
    static final int SELECTED = 0;
    /** {@link #select}: the route's local rate limit refused the request. */
    static final int RATE_LIMITED = 1;
    /** {@link #select}: the cluster's breaker has no request slot left. */
    static final int OVERFLOW = 2;
    /** {@link #select}: the cluster has no host to send to. */
    static final int NO_HEALTHY_HOST = 3;

    private Cluster cluster;
    private LoopStats<ClusterStat> clusterStats;
    /** The breaker whose request slot this exchange holds (null: none held). */
    private CircuitBreaker requestSlot;
    private long hash;
    private Host host;
    /** The selected cluster's position in the snapshot the exchange runs on. */
    private int clusterIndex;

    /**
     * Selects a cluster and a host for {@code head} on {@code route} at {@code now}; {@code sourceIpHash} feeds
     * source-IP hash policies. On {@link #SELECTED}, {@link #host()} is the pick (its active count not yet taken).
     */
    int select(final Route route, final HttpRequestHead head, final LoopState loop, final long sourceIpHash,
               final LoopStats<HttpStat> stats, final long now) {
        final TokenBucket bucket = route.rateLimit();
        if (bucket != null && !bucket.tryAcquire(now)) {
            stats.inc(HttpStat.RATELIMIT_OVER_LIMIT);
            return RATE_LIMITED;
        }
        final SplittableRandom random = loop.random();
        final int ci = route.pickCluster(random.nextLong());
        final Cluster c = loop.snapshot().cluster(ci);
        cluster = c;
        clusterIndex = ci;
        clusterStats = loop.clusterStats(ci);
        final CircuitBreaker breaker = c.circuitBreaker();
        if (!breaker.tryAcquireRequest()) {
            // Envoy counts a max_requests overflow as a pending overflow too.
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            return OVERFLOW;
        }
        requestSlot = breaker;
        hash = c.hashing() ? route.hash(head, sourceIpHash, random.nextLong()) : 0;
        final LoadBalancer lb = loop.balancer(ci);
        final Host h = lb.pick(hash);
        if (h == null) {
            clusterStats.inc(ClusterStat.UPSTREAM_CX_NONE_HEALTHY);
            return NO_HEALTHY_HOST;
        }
        if (lb.inPanic()) {
            clusterStats.inc(ClusterStat.LB_HEALTHY_PANIC);
        }
        host = h;
        return SELECTED;
    }

    /** Picks the host of a retry (preferring one not tried yet); null, counted, when none is healthy. */
    Host repick(final RetryController retry, final LoopState loop) {
        final Host h = retry.pickHost(loop.balancer(clusterIndex), cluster.hashing());
        if (h == null) {
            clusterStats.inc(ClusterStat.UPSTREAM_CX_NONE_HEALTHY);
        }
        host = h;
        return h;
    }

    /** The selected cluster, or null before one was picked. */
    Cluster cluster() {
        return cluster;
    }

    /** The selected cluster's position in the loop's snapshot. */
    int clusterIndex() {
        return clusterIndex;
    }

    /** The selected cluster's stats on this loop, or null before one was picked. */
    LoopStats<ClusterStat> clusterStats() {
        return clusterStats;
    }

    /** The host of the latest pick. */
    Host host() {
        return host;
    }

    /** The request hash the first pick used (ring hash, Maglev); 0 for other balancers. */
    long hash() {
        return hash;
    }

    /** Gives the cluster's request slot back, once. */
    void releaseRequestSlot() {
        final CircuitBreaker b = requestSlot;
        if (b != null) {
            requestSlot = null;
            b.releaseRequest();
        }
    }

    /** The exchange is over: forgets the outcome (the request slot is given back by {@link #releaseRequestSlot}). */
    void clear() {
        cluster = null;
        clusterStats = null;
        host = null;
        hash = 0;
    }
}
