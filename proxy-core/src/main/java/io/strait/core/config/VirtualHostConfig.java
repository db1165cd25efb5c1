package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One virtual host: the domains it serves (exact, {@code *.suffix} wildcard, or {@code *}) and its
 * ordered routes.
 */
public record VirtualHostConfig(
        String name,
        List<String> domains,
        List<RouteConfig> routes) {
}
