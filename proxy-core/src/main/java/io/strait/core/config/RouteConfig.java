package io.strait.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Immutable. One route: a match, then either one {@code cluster} or {@code weightedClusters}, and its actions.
 * {@code timeout} is the whole-request timeout (Duration.ZERO disables it). {@code hashPolicy} (possibly empty, or null
 * in hand-built configs meaning empty) gives the request hash for {@code ring_hash} and {@code maglev} clusters.
 * {@code rateLimit} is the route's local rate limit, or null for none (the virtual host's then applies, if any).
 * {@code retry} is the route's retry policy, or null for none (the virtual host's then applies, if any).
 * {@code maxGrpcTimeout}, as Envoy's: null (absent) bounds a gRPC request by the smaller of {@code timeout} and its
 * {@code grpc-timeout}; set, a gRPC request's deadline is its {@code grpc-timeout} alone (none without one), capped
 * by this value unless it is zero, and {@code timeout} does not apply to it. {@code rbac} is the route's
 * authorization policy, or null for none (the virtual host's then applies, if any).
 */
public record RouteConfig(
        RouteMatchConfig match,
        String cluster,
        List<WeightedClusterConfig> weightedClusters,
        Duration timeout,
        String prefixRewrite,
        String hostRewrite,
        List<HeaderValueConfig> requestHeadersToAdd,
        List<String> requestHeadersToRemove,
        List<HeaderValueConfig> responseHeadersToAdd,
        List<String> responseHeadersToRemove,
        List<HashPolicyConfig> hashPolicy,
        RateLimitConfig rateLimit,
        RetryPolicyConfig retry,
        Duration maxGrpcTimeout,
        RbacConfig rbac) {

    /** A route without an rbac policy of its own. */
    public RouteConfig(final RouteMatchConfig match, final String cluster,
                       final List<WeightedClusterConfig> weightedClusters, final Duration timeout,
                       final String prefixRewrite, final String hostRewrite,
                       final List<HeaderValueConfig> requestHeadersToAdd, final List<String> requestHeadersToRemove,
                       final List<HeaderValueConfig> responseHeadersToAdd, final List<String> responseHeadersToRemove,
                       final List<HashPolicyConfig> hashPolicy, final RateLimitConfig rateLimit,
                       final RetryPolicyConfig retry, final Duration maxGrpcTimeout) {
        this(match, cluster, weightedClusters, timeout, prefixRewrite, hostRewrite, requestHeadersToAdd,
            requestHeadersToRemove, responseHeadersToAdd, responseHeadersToRemove, hashPolicy, rateLimit, retry,
            maxGrpcTimeout, null);
    }

    /** A route that leaves a gRPC request's grpc-timeout capped by its timeout (no max_grpc_timeout). */
    public RouteConfig(final RouteMatchConfig match, final String cluster,
                       final List<WeightedClusterConfig> weightedClusters, final Duration timeout,
                       final String prefixRewrite, final String hostRewrite,
                       final List<HeaderValueConfig> requestHeadersToAdd, final List<String> requestHeadersToRemove,
                       final List<HeaderValueConfig> responseHeadersToAdd, final List<String> responseHeadersToRemove,
                       final List<HashPolicyConfig> hashPolicy, final RateLimitConfig rateLimit,
                       final RetryPolicyConfig retry) {
        this(match, cluster, weightedClusters, timeout, prefixRewrite, hostRewrite, requestHeadersToAdd,
            requestHeadersToRemove, responseHeadersToAdd, responseHeadersToRemove, hashPolicy, rateLimit, retry, null);
    }

    /** A route without a retry policy of its own (the record's earlier form). */
    public RouteConfig(final RouteMatchConfig match, final String cluster,
                       final List<WeightedClusterConfig> weightedClusters, final Duration timeout,
                       final String prefixRewrite, final String hostRewrite,
                       final List<HeaderValueConfig> requestHeadersToAdd, final List<String> requestHeadersToRemove,
                       final List<HeaderValueConfig> responseHeadersToAdd, final List<String> responseHeadersToRemove,
                       final List<HashPolicyConfig> hashPolicy, final RateLimitConfig rateLimit) {
        this(match, cluster, weightedClusters, timeout, prefixRewrite, hostRewrite, requestHeadersToAdd,
            requestHeadersToRemove, responseHeadersToAdd, responseHeadersToRemove, hashPolicy, rateLimit, null, null);
    }
}
