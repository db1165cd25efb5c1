package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. How a cluster finds its hosts (Envoy's cluster {@code type}): {@link Type#STATIC} endpoints are
 * resolved once, at start; {@link Type#STRICT_DNS} endpoints are resolved off the event loops at start and again
 * every {@code dnsRefreshRate}, one host per address.
 *
 * @param type           the discovery type
 * @param dnsRefreshRate how often strict_dns names are resolved again (Envoy's default 5 s); unused for static
 */
public record ClusterDiscoveryConfig(Type type, Duration dnsRefreshRate) {

    /** Envoy's default {@code dns_refresh_rate}. */
    public static final Duration DEFAULT_DNS_REFRESH_RATE = Duration.ofSeconds(5);

    /** {@code type: static}, the default. */
    public static final ClusterDiscoveryConfig STATIC = new ClusterDiscoveryConfig(Type.STATIC,
        DEFAULT_DNS_REFRESH_RATE);

    /** Key {@code type} of a cluster. */
    public enum Type {
        /** Endpoints resolved once at start (IP literals need no lookup). */
        STATIC,
        /** Endpoint names resolved at start and every {@code dns_refresh_rate}; each address is a host. */
        STRICT_DNS
    }
}
