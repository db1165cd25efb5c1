package io.strait.core.config;

import java.util.List;

/**
 * Immutable. The whole configuration: a validated, immutable snapshot.
 */
public record StraitConfig(
        AdminConfig admin,
        RuntimeConfig runtime,
        List<ListenerConfig> listeners,
        List<ClusterConfig> clusters,
        OverloadConfig overload) {

    /** A configuration without an {@code overload} key: the overload manager runs with its defaults. */
    public StraitConfig(final AdminConfig admin, final RuntimeConfig runtime, final List<ListenerConfig> listeners,
                        final List<ClusterConfig> clusters) {
        this(admin, runtime, listeners, clusters, OverloadConfig.DEFAULTS);
    }

    /** This configuration with {@code runtime} replaced (the launcher fills in defaults only it knows). */
    public StraitConfig withRuntime(final RuntimeConfig replacement) {
        return new StraitConfig(admin, replacement, listeners, clusters, overload);
    }
}
