package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One virtual host: the domains it serves (exact, {@code *.suffix} wildcard, or {@code *}) and its
 * ordered routes. {@code rateLimit} (null for none) is the local rate limit of its routes that have none of their
 * own; one bucket for all of them.
 */
public record VirtualHostConfig(
        String name,
        List<String> domains,
        List<RouteConfig> routes,
        RateLimitConfig rateLimit) {
}
