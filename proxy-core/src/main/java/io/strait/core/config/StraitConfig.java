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

    /** This configuration with {@code runtime} replaced (the launcher fills in defaults only it knows). */
    public StraitConfig withRuntime(final RuntimeConfig replacement) {
        return new StraitConfig(admin, replacement, listeners, clusters);
    }
}
