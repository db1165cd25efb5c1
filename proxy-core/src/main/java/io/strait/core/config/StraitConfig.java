package io.strait.core.config;

import java.util.List;

/** The whole configuration: a validated, immutable snapshot. Immutable. */
public record StraitConfig(AdminConfig admin, RuntimeConfig runtime, List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
}
