package io.strait.core.config.validate;

import io.strait.core.config.ClusterDiscoveryConfig;
import io.strait.core.config.yaml.Fields;

import java.time.Duration;
import java.util.Map;

/**
 * Stateless. Binds a cluster's discovery keys ({@code type}, {@code dns_refresh_rate}) for {@link ClusterValidator},
 * reporting errors through the cluster's {@link Fields}.
 */
final class ClusterDiscoveryValidator {

    private static final Map<String, ClusterDiscoveryConfig.Type> TYPES = Map.of(
        "static", ClusterDiscoveryConfig.Type.STATIC, "strict_dns", ClusterDiscoveryConfig.Type.STRICT_DNS);

    private ClusterDiscoveryValidator() {
    }

    /** The cluster's discovery settings; {@link ClusterDiscoveryConfig#STATIC} when absent or invalid (reported). */
    static ClusterDiscoveryConfig discovery(final Fields cluster) {
        final ClusterDiscoveryConfig.Type type = cluster.choice("type", "cluster type", TYPES,
            ClusterDiscoveryConfig.Type.STATIC);
        final Duration refresh = cluster.duration("dns_refresh_rate", ClusterDiscoveryConfig.DEFAULT_DNS_REFRESH_RATE,
            true);
        if (type != ClusterDiscoveryConfig.Type.STRICT_DNS) {
            if (type != null && cluster.has("dns_refresh_rate")) {
                cluster.errorAtKey("dns_refresh_rate", "dns_refresh_rate needs type: strict_dns");
            }
            return ClusterDiscoveryConfig.STATIC;
        }
        // Health state is kept per configured host for now; a host set that changes under it is not supported yet.
        for (final String key : new String[] {"health_check", "outlier_detection", "slow_start"}) {
            if (cluster.has(key)) {
                cluster.errorAtKey(key, key + " is not supported with type: strict_dns yet");
            }
        }
        return new ClusterDiscoveryConfig(type, refresh == null ? ClusterDiscoveryConfig.DEFAULT_DNS_REFRESH_RATE
            : refresh);
    }
}
