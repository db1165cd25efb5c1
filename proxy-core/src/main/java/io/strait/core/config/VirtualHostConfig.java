package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One virtual host: the domains it serves (exact, {@code *.suffix} wildcard, or {@code *}) and its
 * ordered routes. {@code rateLimit} (null for none) is the local rate limit of its routes that have none of their
 * own; one bucket for all of them. {@code retry} (null for none) is the retry policy of its routes that have none of
 * their own. {@code rbac} (null for none) is the authorization policy of its routes that have none of their own.
 */
public record VirtualHostConfig(
        String name,
        List<String> domains,
        List<RouteConfig> routes,
        RateLimitConfig rateLimit,
        RetryPolicyConfig retry,
        RbacConfig rbac) {

    /** A virtual host without an rbac policy. */
    public VirtualHostConfig(final String name, final List<String> domains, final List<RouteConfig> routes,
                             final RateLimitConfig rateLimit, final RetryPolicyConfig retry) {
        this(name, domains, routes, rateLimit, retry, null);
    }

    /** A virtual host without a retry policy (the record's earlier form). */
    public VirtualHostConfig(final String name, final List<String> domains, final List<RouteConfig> routes,
                             final RateLimitConfig rateLimit) {
        this(name, domains, routes, rateLimit, null);
    }
}
