package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One listener (an entry of {@code listeners}). {@code cluster} is for {@code protocol: tcp} only;
 * {@code virtualHosts} for http.
 */
public record ListenerConfig(
        String name,
        HostPort address,
        ListenerProtocol protocol,
        List<VirtualHostConfig> virtualHosts,
        String cluster,
        LimitsConfig limits,
        ListenerTimeoutsConfig timeouts) {
}
