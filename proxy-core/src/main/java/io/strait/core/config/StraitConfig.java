package io.strait.core.config;

import java.util.List;

/**
 * Immutable. The whole configuration: a validated, immutable snapshot.
 */
public record StraitConfig(
        AdminConfig admin,
        RuntimeConfig runtime,
        List<ListenerConfig> listeners,
        List<ClusterConfig> clusters) {
}
